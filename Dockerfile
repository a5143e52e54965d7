# Runs the single orch executable in an image. Build dist/orch first (scripts/build-binary.sh);
# the base is a build argument so a local base works where no registry is reachable.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
COPY dist/orch /usr/local/bin/orch
ENV ORCH_DATA_DIR=/var/lib/orch
VOLUME /var/lib/orch
EXPOSE 4640 4641
ENTRYPOINT ["/usr/local/bin/orch"]
CMD ["--help"]
