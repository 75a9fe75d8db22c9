# Sets OPENCLAW_VERSION from the first line of debian/changelog, e.g.
#   openclaw-host-agents (0.1.0) unstable; urgency=medium
# Configure fails when the file is missing or its top entry carries no version: a binary that
# reports a version the package does not have would mislead whoever reads --version.
set(OPENCLAW_CHANGELOG "${PROJECT_SOURCE_DIR}/debian/changelog")
if(NOT EXISTS "${OPENCLAW_CHANGELOG}")
  message(FATAL_ERROR "cannot read the version: ${OPENCLAW_CHANGELOG} is missing")
endif()
file(STRINGS "${OPENCLAW_CHANGELOG}" OPENCLAW_CHANGELOG_TOP LIMIT_COUNT 1)
if(NOT OPENCLAW_CHANGELOG_TOP MATCHES "^[a-z0-9][a-z0-9.+-]* \\(([^ ()]+)\\) ")
  message(FATAL_ERROR
    "cannot read the version from the first line of ${OPENCLAW_CHANGELOG}: "
    "'${OPENCLAW_CHANGELOG_TOP}' is not 'package (version) distribution; ...'")
endif()
set(OPENCLAW_VERSION "${CMAKE_MATCH_1}")
# A new changelog entry reconfigures the build, so no binary keeps the old version.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${OPENCLAW_CHANGELOG}")
message(STATUS "openclaw-host-agents version ${OPENCLAW_VERSION} (debian/changelog)")
