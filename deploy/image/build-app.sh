#!/bin/sh
# Dockerfile build stage: builds the server for the target architecture (its TensorFlow and ONNX
# Runtime natives only), then lays the Spring Boot jar out as cacheable layers, with the natives
# extracted once here instead of at every start:
#   $1/native/                      TensorFlow (JavaCPP) and ONNX Runtime shared libraries
#   $1/{dependencies,spring-boot-loader,snapshot-dependencies,application}/   Boot's layers
# The JVM finds them through -Djava.library.path and -Donnxruntime.native.path (see Dockerfile),
# so nothing is unpacked into ~/.javacpp or /tmp and the root filesystem can stay read-only.
# Usage, from the source tree's root: build-app.sh APP_DIR TARGETARCH
set -eu
app=$1 arch=$2
case "$arch" in
  amd64) tf_platform=linux-x86_64 ort_platform=linux-x64 ;;
  arm64) tf_platform=linux-arm64 ort_platform=linux-aarch64 ;;
  *) echo "unsupported target architecture: $arch" >&2; exit 1 ;;
esac

# Tests and the packaged AOT cache are skipped: the image makes its own cache for its JVM.
./mvnw -B -q package -Dmaven.test.skip=true -Dexec.skip=true -pl service -am \
  -Dtensorflow.native.classifier="$tf_platform" -Donnxruntime.native.platform="$ort_platform"
jar=service/target/qf-serving.jar

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

# ONNX Runtime: the server jar carries its classes and the target's libraries among the
# application's own classes (the build's -Donnxruntime.native.platform); move the libraries out and
# rebuild the application jar without ai/onnxruntime/native/.
app_jar=$app/application/$(basename "$jar")
rm -rf "$scratch"/* && (cd "$scratch" && jar xf "$app_jar")
mv "$scratch/ai/onnxruntime/native/$ort_platform"/lib*.so "$app/native/"
rmdir "$scratch/ai/onnxruntime/native/$ort_platform"
if [ -n "$(ls -A "$scratch/ai/onnxruntime/native")" ]; then
  echo "ONNX Runtime natives of another platform are in the application:" "$scratch"/ai/onnxruntime/native/* >&2
  exit 1
fi
rm -rf "$scratch/ai/onnxruntime/native" "$app_jar"
jar --create --file "$app_jar" --manifest "$scratch/META-INF/MANIFEST.MF" -C "$scratch" .

rm -rf "$scratch"
chmod -R a+rX,go-w "$app"
