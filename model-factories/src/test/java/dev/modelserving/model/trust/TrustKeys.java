package dev.modelserving.model.trust;

import java.security.KeyPair;

/** Key pairs for the trust tests, one per name, generated fresh per test class. */
final class TrustKeys {

    final KeyPair ciEd = PemKeys.generate(SigningAlgorithm.ED25519);
    final KeyPair ciEc = PemKeys.generate(SigningAlgorithm.EC_P256);
    final KeyPair stranger = PemKeys.generate(SigningAlgorithm.ED25519);
}
