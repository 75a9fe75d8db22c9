# Where units, default configs and man pages go when installed (by the .deb).
set(OPENCLAW_SYSTEMD_UNITDIR "/lib/systemd/system" CACHE PATH "systemd system unit folder")
set(OPENCLAW_CONFIG_DIR "/etc/openclaw-agents" CACHE PATH "agents' config folder")

file(GLOB OPENCLAW_UNITS ${PROJECT_SOURCE_DIR}/units/*.service ${PROJECT_SOURCE_DIR}/units/*.socket
     ${PROJECT_SOURCE_DIR}/units/*.timer)
install(FILES ${OPENCLAW_UNITS} DESTINATION ${OPENCLAW_SYSTEMD_UNITDIR})

file(GLOB OPENCLAW_CONFIGS ${PROJECT_SOURCE_DIR}/config/*.json)
install(FILES ${OPENCLAW_CONFIGS} DESTINATION ${OPENCLAW_CONFIG_DIR})

# The man pages' headers name the version as @OPENCLAW_VERSION@, filled in from debian/changelog.
foreach(section 1 8)
  file(GLOB pages ${PROJECT_SOURCE_DIR}/docs/man/*.${section})
  foreach(page ${pages})
    get_filename_component(name ${page} NAME)
    configure_file(${page} ${PROJECT_BINARY_DIR}/man/${name} @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/man/${name} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
endforeach()

# Drop-ins the operator adds to units we do not ship (e.g. the gateway's), as examples.
file(GLOB OPENCLAW_UNIT_EXAMPLES ${PROJECT_SOURCE_DIR}/units/examples/*.conf)
install(FILES ${OPENCLAW_UNIT_EXAMPLES} DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# What `journalctl -x` says under our events; systemd's package rebuilds the catalog when
# a file appears here.
install(FILES ${PROJECT_SOURCE_DIR}/units/openclaw-host-agents.catalog
        DESTINATION /usr/lib/systemd/catalog)
