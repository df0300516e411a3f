#!/usr/bin/env bash
# Makes the local cluster's publisher key pair and trust policy, unless they exist (never overwrites a key):
#   $CLUSTER_HOME/trust/publisher.pem      private key (PKCS#8 PEM, mode 600): sign with it (modelctl --sign-key)
#   $CLUSTER_HOME/trust/publisher.pub.pem  its public key, referenced by the policy
#   $CLUSTER_HOME/trust/trust-policy.txtpb publisher "local-publisher" may deploy, roll back and remove any model of
#                                          data type "sensor" or "machine-features"
# The submit scripts run this when the default policy is missing. Prints the policy's path on standard output.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

trust_dir="$CLUSTER_HOME/trust"
policy="$trust_dir/trust-policy.txtpb"
mkdir -p "$trust_dir"
chmod 700 "$trust_dir"
if [ ! -f "$trust_dir/publisher.pem" ]; then
  "$java_cmd" -cp "$(tools_classpath)" dev.modelserving.deploy.cli.ModelCli keygen --algorithm ed25519 \
    --out-private "$trust_dir/publisher.pem" --out-public "$trust_dir/publisher.pub.pem" >&2 \
    || die "modelctl keygen failed"
fi
if [ ! -f "$policy" ]; then
  cat > "$policy" <<'POLICY'
# Trust policy of the local cluster (protobuf text format, message modelserving.v1.TrustPolicy; see the README's
# "Security model"). Written by deploy/cluster/trust-init.sh; edit it, then restart the job from a savepoint.
publishers {
  id: "local-publisher"
  keys { file: "publisher.pub.pem" label: "local-1" }
  data_types: "sensor"
  data_types: "machine-features"
  model_names: "*"
  actions: [DEPLOY, ROLLBACK, REMOVE]
}
POLICY
  echo >&2 "Wrote the trust policy $policy (publisher local-publisher, key $trust_dir/publisher.pem)"
fi
echo "$policy"
