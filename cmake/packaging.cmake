# Where units, default configs and man pages go when installed (by the .deb).
set(OPENCLAW_SYSTEMD_UNITDIR "/lib/systemd/system" CACHE PATH "systemd system unit folder")
set(OPENCLAW_CONFIG_DIR "/etc/openclaw-agents" CACHE PATH "agents' config folder")

file(GLOB OPENCLAW_UNITS ${PROJECT_SOURCE_DIR}/units/*.service ${PROJECT_SOURCE_DIR}/units/*.socket
     ${PROJECT_SOURCE_DIR}/units/*.timer)
install(FILES ${OPENCLAW_UNITS} DESTINATION ${OPENCLAW_SYSTEMD_UNITDIR})

file(GLOB OPENCLAW_CONFIGS ${PROJECT_SOURCE_DIR}/config/*.json)
install(FILES ${OPENCLAW_CONFIGS} DESTINATION ${OPENCLAW_CONFIG_DIR})

file(GLOB OPENCLAW_MAN8 ${PROJECT_SOURCE_DIR}/docs/man/*.8)
file(GLOB OPENCLAW_MAN1 ${PROJECT_SOURCE_DIR}/docs/man/*.1)
install(FILES ${OPENCLAW_MAN8} DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${OPENCLAW_MAN1} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Drop-ins the operator adds to units we do not ship (e.g. the gateway's), as examples.
file(GLOB OPENCLAW_UNIT_EXAMPLES ${PROJECT_SOURCE_DIR}/units/examples/*.conf)
install(FILES ${OPENCLAW_UNIT_EXAMPLES} DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# What `journalctl -x` says under our events; systemd's package rebuilds the catalog when
# a file appears here.
install(FILES ${PROJECT_SOURCE_DIR}/units/openclaw-host-agents.catalog
        DESTINATION /usr/lib/systemd/catalog)
