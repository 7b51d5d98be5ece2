package io.warden.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One Lua script resource, with its SHA-1 for EVALSHA. Each operation has its own file. */
enum LuaScript {
    ACQUIRE("acquire.lua", true),
    RELEASE("release.lua", true),
    RELEASE_TO("release_to.lua", true),
    EXTEND("extend.lua", true),
    INSPECT("inspect.lua", false),
    FORCE_RELEASE("force_release.lua", true),
    FENCE_FLOOR("fence_floor.lua", true),
    READ_ACQUIRE("read_acquire.lua", true),
    WRITE_ACQUIRE("write_acquire.lua", true),
    READ_RELEASE("read_release.lua", true),
    WRITE_RELEASE("write_release.lua", true),
    RW_INSPECT("rw_inspect.lua", false),
    RW_FORCE_RELEASE("rw_force_release.lua", true),
    PERMIT_ACQUIRE("permit_acquire.lua", true),
    PERMIT_RELEASE("permit_release.lua", true),
    SEMAPHORE_INSPECT("semaphore_inspect.lua", false),
    SEMAPHORE_FORCE_RELEASE("semaphore_force_release.lua", true),
    FAIR_ACQUIRE("fair_acquire.lua", true),
    FAIR_RELEASE("fair_release.lua", true),
    FAIR_LEAVE("fair_leave.lua", true);

    private final String resource;
    private final boolean writes;
    private final String body;
    private final String sha;

    LuaScript(String resource, boolean writes) {
        this.resource = resource;
        this.writes = writes;
        this.body = load(resource);
        this.sha = sha1(body);
    }

    String body() {
        return body;
    }

    String sha() {
        return sha;
    }

    /** True if the script may change data (so its replication matters). */
    boolean writes() {
        return writes;
    }

    String resource() {
        return resource;
    }

    /** The marker line a script puts where a shared fragment (such as {@code mint_fence.lua}) belongs. */
    static final String INCLUDE = "--@include ";

    /**
     * The text of script {@code resource}, with each {@link #INCLUDE} line replaced by the named
     * fragment's text: Redis runs every script on its own, so code that several scripts share is
     * written once as a fragment and put into each of them here.
     */
    static String load(String resource) {
        StringBuilder body = new StringBuilder();
        for (String line : read(resource).split("\n", -1)) {
            if (body.length() > 0) {
                body.append('\n');
            }
            body.append(
                    line.startsWith(INCLUDE)
                            ? read(line.substring(INCLUDE.length()).strip())
                            : line);
        }
        return body.toString();
    }

    private static String read(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream("scripts/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + resource, e);
        }
    }

    private static String sha1(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
