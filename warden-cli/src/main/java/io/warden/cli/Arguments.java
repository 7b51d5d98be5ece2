package io.warden.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The command line as the bytes the caller passed, read as UTF-8 whatever locale the JVM decoded it with.
 *
 * <p>The JVM decodes {@code argv} with the locale's charset before {@code main} runs; under the C locale
 * (cron, {@code env -i}) every non-ASCII byte becomes U+FFFD, so {@code straße} and {@code strüße} would be
 * one lock. On Linux the original bytes are in {@code /proc/self/cmdline}: an argument that is valid UTF-8
 * is taken as UTF-8; one that is not is kept only if the locale's charset decoded it without loss (say
 * Latin-1), and otherwise refused, never mangled.
 */
final class Arguments {
    private static final Path CMDLINE = Path.of("/proc/self/cmdline");

    private Arguments() {}

    /** The arguments, or a usage problem naming the first one that cannot be read without loss. */
    record Decoded(String[] args, Optional<String> problem) {}

    static Decoded decode(String[] jvmArgs) {
        List<byte[]> raw = rawArguments(jvmArgs);
        String[] args = jvmArgs.clone();
        for (int i = 0; i < args.length; i++) {
            Optional<String> exact = raw == null ? Optional.empty() : exact(raw.get(i), jvmArgs[i]);
            if (exact.isPresent()) {
                args[i] = exact.get();
            } else if (raw != null || jvmArgs[i].indexOf('\uFFFD') >= 0) {
                byte[] bytes = raw != null ? raw.get(i) : jvmArgs[i].getBytes(StandardCharsets.UTF_8);
                return new Decoded(args, Optional.of(notUtf8(bytes)));
            }
        }
        return new Decoded(args, Optional.empty());
    }

    /** {@code bytes} as UTF-8; else the JVM's reading of them if its charset gives back the same bytes. */
    private static Optional<String> exact(byte[] bytes, String jvmReading) {
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            boolean lossless =
                    jvmReading.indexOf('\uFFFD') < 0 && Arrays.equals(jvmReading.getBytes(nativeCharset()), bytes);
            return lossless ? Optional.of(jvmReading) : Optional.empty();
        }
    }

    /**
     * The last {@code jvmArgs.length} entries of {@code /proc/self/cmdline}, or null where there is none
     * or it does not match what the JVM was given (every ASCII argument must be there unchanged).
     */
    private static List<byte[]> rawArguments(String[] jvmArgs) {
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(CMDLINE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
        List<byte[]> all = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                all.add(Arrays.copyOfRange(cmdline, start, i));
                start = i + 1;
            }
        }
        if (all.size() < jvmArgs.length) {
            return null;
        }
        List<byte[]> tail = all.subList(all.size() - jvmArgs.length, all.size());
        for (int i = 0; i < jvmArgs.length; i++) {
            boolean ascii = jvmArgs[i].chars().allMatch(c -> c < 0x80);
            if (ascii && !Arrays.equals(tail.get(i), jvmArgs[i].getBytes(StandardCharsets.US_ASCII))) {
                return null;
            }
        }
        return tail;
    }

    /**
     * Null if {@code text} reaches a child process unchanged, else why not. The JDK encodes a child's
     * arguments and environment with the default charset (JDK 17) or the locale's (later JDKs): both must
     * be able to.
     */
    static String unpassable(String text) {
        for (Charset charset : List.of(Charset.defaultCharset(), nativeCharset())) {
            if (!charset.newEncoder().canEncode(CharBuffer.wrap(text))) {
                return "'" + text + "' cannot be passed on: this JVM encodes arguments as " + charset
                        + " (no UTF-8 locale; install C.UTF-8 or set LANG to a UTF-8 locale)";
            }
        }
        return null;
    }

    private static Charset nativeCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static String notUtf8(byte[] bytes) {
        StringBuilder shown = new StringBuilder();
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7f && b != '\\') {
                shown.append((char) b);
            } else {
                shown.append("\\x").append(HexFormat.of().toHexDigits(b));
            }
        }
        return "argument '" + shown + "' is not valid UTF-8: lock names and the command's arguments must"
                + " be UTF-8 (or in the locale's charset), so that they reach Redis and the command unchanged";
    }
}
