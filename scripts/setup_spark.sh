#!/usr/bin/env bash
# Set-up for the Spark job (scripts/spark/perfeval_spark.py), on Debian, when missing:
# - Java 17 or newer (openjdk-17-jre-headless; Debian 13 ships only 21: openjdk-21-jre-headless)
# - a virtual environment .venv-spark (override with SPARK_VENV) holding pyspark from PyPI.
# A venv rather than pip --break-system-packages: it leaves Debian's Python alone and is
# removed with one rm -rf. Prints the venv's python on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${SPARK_VENV:-.venv-spark}
pyspark_version=4.0.1
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
updated=""
apt_install() {
  [ -n "$updated" ] || { $SUDO apt-get update -qq; updated=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then
  echo "setup_spark: installing Java" >&2
  apt_install openjdk-17-jre-headless 2>/dev/null || apt_install openjdk-21-jre-headless
fi

if ! "$venv/bin/python" -c "import pyspark; assert pyspark.__version__ == '$pyspark_version'" 2>/dev/null; then
  echo "setup_spark: creating $venv with pyspark $pyspark_version" >&2
  python3 -m venv "$venv" 2>/dev/null || { rm -rf "$venv"; apt_install python3-venv; python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q --disable-pip-version-check "pyspark==$pyspark_version"
fi
echo "$(cd "$venv" && pwd)/bin/python"
