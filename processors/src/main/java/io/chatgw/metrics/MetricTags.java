package io.chatgw.metrics;

/** The one place org, model and error-code tag values are bounded (each through its own {@link BoundedTagValues}). */
public record MetricTags(BoundedTagValues orgs, BoundedTagValues models, BoundedTagValues errorCodes) {

    /** The configuration's default bounds (for code built outside Spring, e.g. unit tests). */
    public static MetricTags withDefaults() {
        return new MetricTags(new BoundedTagValues(200), new BoundedTagValues(20), new BoundedTagValues(50));
    }

    public String org(String orgId) {
        return orgs.of(orgId);
    }

    public String model(String model) {
        return models.of(model);
    }

    public String errorCode(String code) {
        return errorCodes.of(code);
    }
}
