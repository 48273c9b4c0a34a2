/**
 * Test helper: a self-signed TLS certificate for 127.0.0.1 and localhost, made with openssl in a
 * directory, as the PEM files a Kafka TLS listener (key + chain) and a client (the CA) read.
 */

/** The files written. */
export interface SelfSignedCertificate {
  /** Private key (unencrypted PKCS#8) followed by the certificate, PEM: the broker's keystore. */
  readonly keystorePem: string;
  /** The certificate alone, PEM: what a client trusts (`KAFKA_SSL_CA_FILE`). */
  readonly caPem: string;
}

/** Writes a certificate valid for two days into `dir`. */
export async function selfSignedCertificate(dir: string): Promise<SelfSignedCertificate> {
  const key = `${dir}/tls-key.pem`;
  const caPem = `${dir}/tls-ca.pem`;
  const output = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      caPem,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    stdout: "null",
    stderr: "piped",
  }).output().catch((error: unknown) => {
    throw new Error("Cannot run openssl to make a test certificate: install openssl", {
      cause: error,
    });
  });
  if (!output.success) {
    throw new Error(
      `openssl could not make a test certificate: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  const keystorePem = `${dir}/tls-keystore.pem`;
  await Deno.writeTextFile(
    keystorePem,
    (await Deno.readTextFile(key)) + (await Deno.readTextFile(caPem)),
    { mode: 0o600 },
  );
  return { keystorePem, caPem };
}
