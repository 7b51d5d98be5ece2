package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Scripts are sent whole: every shared fragment is put in, once, where the script asks for it. */
class LuaScriptTest {

    @Test
    void everyScriptIsSentWithItsFragmentsInAndNoIncludeLineLeft() {
        for (LuaScript script : LuaScript.values()) {
            assertThat(script.body()).as(script.resource()).doesNotContain(LuaScript.INCLUDE);
            assertThat(occurrences(script.body(), "local function mint_fence("))
                    .as("%s defines mint_fence once if it calls it", script.resource())
                    .isEqualTo(script.body().contains("mint_fence(KEYS") ? 1 : 0);
        }
    }

    @Test
    void everyScriptThatGrantsALeaseMintsItsTokenThroughTheSharedFragment() {
        for (LuaScript script : new LuaScript[] {
            LuaScript.ACQUIRE,
            LuaScript.READ_ACQUIRE,
            LuaScript.WRITE_ACQUIRE,
            LuaScript.FAIR_ACQUIRE,
            LuaScript.PERMIT_ACQUIRE
        }) {
            assertThat(occurrences(script.body(), "'INCR'"))
                    .as("%s increments the fencing counter only inside mint_fence", script.resource())
                    .isEqualTo(1);
            assertThat(script.body()).contains("local fence = mint_fence(");
        }
    }

    @Test
    void aMissingFragmentIsACleanError() {
        assertThatThrownBy(() -> LuaScript.load("no_such_script.lua"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no_such_script.lua");
    }

    private static int occurrences(String text, String what) {
        Matcher matcher = Pattern.compile(Pattern.quote(what)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
