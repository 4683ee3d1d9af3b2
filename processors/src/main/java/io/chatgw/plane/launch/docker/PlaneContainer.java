package io.chatgw.plane.launch.docker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One user's plane container as the docker launcher creates it: its name (after the user), labels, environment, the
 * named volume holding its data ({@code disk_id}) and its limits. User ids are validated upstream but may hold
 * characters a container name cannot: those are replaced and a short hash of the id keeps names apart.
 */
public record PlaneContainer(String name, String volume, String image, Map<String, String> labels, List<String> env,
                             List<String> binds, List<String> command, long memoryBytes, long nanoCpus,
                             String networkMode) {

    public static final String LABEL_DEPLOYMENT = "io.chatgw.deployment";
    public static final String LABEL_USER = "io.chatgw.user";
    public static final String LABEL_ORG = "io.chatgw.org";
    public static final String LABEL_VM = "io.chatgw.vm_id";
    /** A warm-pool container (started without a user; claimed ones keep the label, their row names them). */
    public static final String LABEL_POOL = "io.chatgw.pool";

    /** The container of {@code userId} in {@code deployment}. */
    public static String nameOf(String deployment, String userId) {
        return "chatgw-" + safe(deployment) + "-" + safe(userId);
    }

    /** The named volume of {@code userId}'s plane data in {@code deployment} (the row's disk_id). */
    public static String volumeOf(String deployment, String userId) {
        return nameOf(deployment, userId) + "-data";
    }

    /** [a-zA-Z0-9_.-] only, at most 40 characters; anything changed gets a hash of the original appended. */
    static String safe(String s) {
        String cleaned = s.replaceAll("[^a-zA-Z0-9_.-]", "_");
        if (cleaned.equals(s) && s.length() <= 40 && !s.isEmpty()) {
            return s;
        }
        return (cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned) + "-" + hash(s);
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
