package io.chatgw.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoundedTagValuesTest {

    @Test
    void theFirstValuesUpToTheBoundKeepTheirOwnTagAndLaterOnesAreOther() {
        BoundedTagValues orgs = new BoundedTagValues(2);
        assertThat(orgs.of("org-a")).isEqualTo("org-a");
        assertThat(orgs.of("org-b")).isEqualTo("org-b");
        assertThat(orgs.of("org-c")).isEqualTo(BoundedTagValues.OTHER);
        assertThat(orgs.of("org-a")).as("a value seen first keeps its series").isEqualTo("org-a");
    }

    @Test
    void malformedOrMissingValuesAreOtherAndTakeNoSlot() {
        BoundedTagValues models = new BoundedTagValues(1);
        assertThat(models.of(null)).isEqualTo(BoundedTagValues.OTHER);
        assertThat(models.of("")).isEqualTo(BoundedTagValues.OTHER);
        assertThat(models.of("gpt 4\"}")).isEqualTo(BoundedTagValues.OTHER);
        assertThat(models.of("x".repeat(65))).isEqualTo(BoundedTagValues.OTHER);
        assertThat(models.of("gpt-4o-mini:2024/07")).isEqualTo("gpt-4o-mini:2024/07");
    }
}
