#!/bin/sh
# exec: routerd becomes PID 1, so it gets the stop signal and its memory is the container's.
set -e
exec /usr/local/bin/routerd "$@"
