package io.warden.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a server certificate it signed for {@code 127.0.0.1} and
 * {@code localhost}, made with {@code openssl} in a temporary directory, for tests of TLS
 * connections. {@link #serveTls} makes a {@link RedisServer} listen with TLS too (it keeps its plain
 * port, through which the test kit checks and controls it). Needs {@code openssl} on the PATH and a
 * {@code redis-server} built with TLS (Debian's is; the bundled 6.2 binary is not). Closing deletes
 * the files.
 */
public final class TlsCertificates implements AutoCloseable {
    private final Path dir;

    private TlsCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes a new CA and server certificate (RSA 2048, valid two days). */
    public static TlsCertificates create() {
        Path dir = TempDirs.create("warden-tls-");
        try {
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            openssl(
                    dir,
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.crt",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=warden-test-ca");
            openssl(
                    dir,
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=localhost");
            openssl(
                    dir,
                    "x509",
                    "-req",
                    "-in",
                    "server.csr",
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    "server.crt",
                    "-days",
                    "2",
                    "-extfile",
                    "server.ext");
            return new TlsCertificates(dir);
        } catch (IOException | RuntimeException e) {
            TempDirs.deleteQuietly(dir);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The CA's certificate (PEM): what a client trusts to accept the server. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** The server's certificate (PEM), signed by the CA, for 127.0.0.1 and localhost. */
    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    /** The server's private key (PEM, unencrypted). */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /**
     * Has {@code builder}'s server also listen with TLS, on a free port, with these certificates and
     * without asking clients for theirs; returns that port (for {@code rediss://127.0.0.1:PORT}).
     */
    public int serveTls(RedisServer.Builder builder) {
        int port = FreePorts.pick();
        builder.arg("tls-port", Integer.toString(port))
                .arg("tls-cert-file", serverCertificate().toString())
                .arg("tls-key-file", serverKey().toString())
                .arg("tls-ca-cert-file", caCertificate().toString())
                .arg("tls-auth-clients", "no");
        return port;
    }

    @Override
    public void close() {
        TempDirs.deleteQuietly(dir);
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
