#!/bin/sh
# SPDX-License-Identifier: MIT
# 72-podman.t: the docker backend with [docker] engine = podman: the
# tests of 70-docker.t on rootless podman.
CLAWSHIM_TEST_ENGINE=podman exec sh "$(dirname "$0")/70-docker.t"
