# qf-serving: the model server with its embedded default models.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t qf-serving .
#   scripts/build-images.sh      # the same without a Docker engine (buildah, local Debian bases)
#
# The build stage runs on the build platform (no emulated Maven) and picks the target's
# TensorFlow and ONNX Runtime natives (deploy/image/build-app.sh); the runtime stage is the target
# platform's JRE.
ARG BASE_IMAGE=eclipse-temurin:25-jre
ARG BUILD_IMAGE=eclipse-temurin:25-jdk

# The target platform's JRE. This stage comes first: buildah 1.28 applies a stage's
# FROM --platform to every later FROM of an image, which would give the runtime the build
# platform's base.
FROM ${BASE_IMAGE} AS runtime-base
ARG APP_UID=10001
RUN useradd --system --uid "$APP_UID" --user-group --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin qf

FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS build
ARG TARGETARCH
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY proto/pom.xml proto/
COPY proto/src/main/ proto/src/main/
COPY runtime/pom.xml runtime/
COPY runtime/src/main/ runtime/src/main/
# The server's tests build models with the toolkit: -am builds it too, as the test-scope dependency.
COPY models/pom.xml models/
COPY models/src/main/ models/src/main/
COPY service/pom.xml service/
COPY service/src/main/ service/src/main/
# Maven reads every module's pom named in the root pom, even those -pl leaves out.
COPY deploy/pom.xml deploy/
COPY deploy/image/build-app.sh /usr/local/bin/
RUN --mount=type=cache,id=qf-serving-m2,target=/root/.m2 build-app.sh /app "$TARGETARCH"

FROM runtime-base
ARG APP_UID=10001
WORKDIR /opt/qf-serving
# Least to most often changed, so that a code change rebuilds only the last layers.
COPY --from=build /app/native/ native/
COPY --from=build /app/dependencies/ ./
COPY --from=build /app/spring-boot-loader/ ./
COPY --from=build /app/snapshot-dependencies/ ./
COPY models/repository/ models/repository/
COPY --from=build /app/application/ ./

# A JDK AOT cache (JEP 483, made as JEP 514 has it): one training run starts the server on the
# embedded models and exits once its context is refreshed; every later start finds those classes
# already loaded and linked. Measured on 2 cores: ready in 5.6-6.6 s instead of 11.4-12.6 s
# (docs/benchmarks.md). It holds for this JVM and class path only; a start with other settings
# that do not match warns and runs without it.
RUN java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
      -Djava.library.path=/opt/qf-serving/native -Donnxruntime.native.path=/opt/qf-serving/native \
      -XX:AOTCacheOutput=/opt/qf-serving/qf-serving.aot -Dspring.context.exit=onRefresh \
      -jar qf-serving.jar --server.port=0 --management.server.port=0 --spring.grpc.server.port=0 \
      --logging.level.root=WARN \
    && chmod a+r /opt/qf-serving/qf-serving.aot && rm -rf /tmp/*

# OpenAPI and Swagger UI describe the whole API to whoever asks: off in the image, on with
# -e SPRINGDOC_API_DOCS_ENABLED=true -e SPRINGDOC_SWAGGER_UI_ENABLED=true.
ENV QF_REPOSITORY_PATH=/opt/qf-serving/models/repository \
    SPRING_CONFIG_ADDITIONAL_LOCATION=optional:file:/config/ \
    SPRINGDOC_API_DOCS_ENABLED=false \
    SPRINGDOC_SWAGGER_UI_ENABLED=false
USER ${APP_UID}:${APP_UID}
# HTTP, the actuator's management port (probes, health details, metrics; keep it off public
# networks) and gRPC.
EXPOSE 8080 8081 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8081/actuator/health/readiness || exit 1
# Heap is half the container's memory: TensorFlow and ONNX Runtime allocate outside the heap.
# JAVA_TOOL_OPTIONS adds or overrides flags without rebuilding.
ENTRYPOINT ["java", \
  "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", \
  "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-XX:AOTCache=/opt/qf-serving/qf-serving.aot", \
  "-Djava.library.path=/opt/qf-serving/native", "-Donnxruntime.native.path=/opt/qf-serving/native", \
  "-jar", "qf-serving.jar"]
