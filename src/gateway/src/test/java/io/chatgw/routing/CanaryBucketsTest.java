package io.chatgw.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.commons.codec.digest.MurmurHash3;
import org.junit.jupiter.api.Test;

/** The canary's bucketing: murmur3 x86 32-bit as published, sticky while the percentage grows, shares as asked. */
class CanaryBucketsTest {

    @Test
    void theHashIsMurmur3X86With32BitsAsPublished() {
        // reference vectors of MurmurHash3_x86_32 (SMHasher's algorithm; the values Wikipedia and most ports list)
        assertThat(MurmurHash3.hash32x86(new byte[0], 0, 0, 0)).isEqualTo(0);
        assertThat(MurmurHash3.hash32x86(new byte[0], 0, 0, 1)).isEqualTo(0x514E28B7);
        byte[] hello = "Hello, world!".getBytes(StandardCharsets.UTF_8);
        assertThat(MurmurHash3.hash32x86(hello, 0, hello.length, 0x9747b28c)).isEqualTo(0x24884CBA);
        byte[] fox = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);
        assertThat(MurmurHash3.hash32x86(fox, 0, fox.length, 0x9747b28c)).isEqualTo(0x2FA826CD);
    }

    @Test
    void aBucketIsTheUnsignedHashOfRolloutKeyColonUserIdModHundred() {
        for (String user : new String[]{"u-alice", "u-bob", "user-123", "x"}) {
            byte[] key = ("new-runtime:" + user).getBytes(StandardCharsets.UTF_8);
            long unsigned = Integer.toUnsignedLong(MurmurHash3.hash32x86(key, 0, key.length, 0));
            assertThat(CanaryBuckets.hashBucket("new-runtime", user)).isEqualTo((int) (unsigned % 100));
        }
    }

    @Test
    void usersInStayInWhileThePercentageGrowsAndTheShareIsWithinOneAndAHalfPoints() {
        String[] users = IntStream.range(0, 10_000).mapToObj(i -> "user-" + i).toArray(String[]::new);
        Set<String> before = new HashSet<>();
        for (int percent : new int[]{5, 20, 50, 100}) {
            Set<String> in = new HashSet<>();
            for (String u : users) {
                if (CanaryBuckets.hashBucket("new-runtime", u) < percent) {
                    in.add(u);
                }
            }
            assertThat(in).as("everyone in at the previous stage is still in at %d%%", percent).containsAll(before);
            double share = 100.0 * in.size() / users.length;
            assertThat(share).as("share at %d%%", percent).isBetween(percent - 1.5, percent + 1.5);
            before = in;
        }
        assertThat(before).hasSize(users.length);
    }

    @Test
    void anotherRolloutKeyShufflesUsersDifferently() {
        long same = IntStream.range(0, 1000).filter(i -> CanaryBuckets.hashBucket("a", "user-" + i)
                == CanaryBuckets.hashBucket("b", "user-" + i)).count();
        assertThat(same).isLessThan(50); // independent buckets agree ~1% of the time
    }
}
