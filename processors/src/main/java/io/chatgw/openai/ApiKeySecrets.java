package io.chatgw.openai;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The shape of the gateway's API keys: {@code sk-gw-} followed by 43 base64url characters (32 random
 * bytes). Only the key's SHA-256 is stored: a random 256-bit secret needs no slow hash, and a lookup by
 * hash is one index probe.
 */
public final class ApiKeySecrets {

    public static final String PREFIX = "sk-gw-";
    /** Characters of a key kept in clear to tell keys apart in a list: the prefix and 4 more. */
    static final int SHOWN_CHARS = PREFIX.length() + 4;
    private static final Pattern SHAPE = Pattern.compile("^sk-gw-[A-Za-z0-9_-]{43}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecrets() {
    }

    /** A new key, to be shown once. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether a bearer token is meant as an API key (rather than a JWT), well formed or not. */
    public static boolean isApiKey(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    public static boolean isWellFormed(String key) {
        return key != null && SHAPE.matcher(key).matches();
    }

    /** Lower-case hex SHA-256 of the key. */
    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** What a listing shows of a key: {@code sk-gw-AbCd}. */
    public static String shownPrefix(String key) {
        return key.substring(0, Math.min(SHOWN_CHARS, key.length()));
    }
}
