package io.warden.spring.boot;

import io.warden.Warden;

/**
 * Where Redis is, when {@code warden.*} does not say: taken from another part of the application
 * (Spring Data Redis). Its type names nothing of that part, so the auto-configuration loads without
 * it.
 */
interface RedisTarget {
    /** Points the builder at Redis; may set the command timeout too. */
    void applyTo(Warden.Builder builder);

    /** For messages: where the settings came from. */
    String source();
}
