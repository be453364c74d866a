#!/bin/sh
# Dockerfile build stage: lays the Spring Boot jar out as cacheable layers and keeps only the
# target architecture's native libraries, extracted once here instead of at every start:
#   $1/native/                      TensorFlow (JavaCPP) and ONNX Runtime shared libraries
#   $1/{dependencies,spring-boot-loader,snapshot-dependencies,application}/   Boot's layers
# The JVM finds them through -Djava.library.path and -Donnxruntime.native.path (see Dockerfile),
# so nothing is unpacked into ~/.javacpp or /tmp and the root filesystem can stay read-only.
# Usage: prepare-app.sh APP_DIR TARGETARCH SERVICE_JAR
set -eu
app=$1 arch=$2 jar=$3
case "$arch" in
  amd64) tf_platform=linux-x86_64 ort_platform=linux-x64 ;;
  arm64) tf_platform=linux-arm64 ort_platform=linux-aarch64 ;;
  *) echo "unsupported target architecture: $arch" >&2; exit 1 ;;
esac

java -Djarmode=tools -jar "$jar" extract --layers --destination "$app"
lib=$app/dependencies/lib
scratch=$(mktemp -d)
mkdir -p "$app/native"

# TensorFlow: the natives jar holds nothing else, so it leaves the classpath altogether.
tf_jar=$(ls "$lib"/tensorflow-core-native-*-"$tf_platform".jar)
(cd "$scratch" && jar xf "$tf_jar" "org/tensorflow/internal/c_api/$tf_platform/")
mv "$scratch/org/tensorflow/internal/c_api/$tf_platform"/lib*.so* "$app/native/"
rm "$tf_jar"
if ls "$lib"/tensorflow-core-native-*-linux-*.jar >/dev/null 2>&1; then
  echo "TensorFlow natives of another platform are on the classpath:" "$lib"/tensorflow-core-native-*-linux-*.jar >&2
  exit 1
fi

# ONNX Runtime: one jar carries every OS and architecture; keep its classes, move the target's
# libraries out and rebuild the jar without ai/onnxruntime/native/.
ort_jar=$(ls "$lib"/onnxruntime-*.jar)
rm -rf "$scratch"/* && (cd "$scratch" && jar xf "$ort_jar")
mv "$scratch/ai/onnxruntime/native/$ort_platform"/lib*.so "$app/native/"
rm -rf "$scratch/ai/onnxruntime/native" "$ort_jar"
jar --create --file "$ort_jar" --manifest "$scratch/META-INF/MANIFEST.MF" -C "$scratch" .

rm -rf "$scratch"
chmod -R a+rX,go-w "$app"
