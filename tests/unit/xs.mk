# tests/unit/xs.mk: unit tests of the store (xsd core, libxs).
XSD_TEST_LIBS := xsdcore pvcommon
UNIT_TESTS += test_xsd_path
test_xsd_path_SRCS += tests/unit/test_xsd_path.c tests/unit/xsd_testlib.c
test_xsd_path_LIBS += $(XSD_TEST_LIBS)
test_xsd_path_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_tree
test_xsd_tree_SRCS += tests/unit/test_xsd_tree.c tests/unit/xsd_testlib.c
test_xsd_tree_LIBS += $(XSD_TEST_LIBS)
test_xsd_tree_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_tx
test_xsd_tx_SRCS += tests/unit/test_xsd_tx.c tests/unit/xsd_testlib.c
test_xsd_tx_LIBS += $(XSD_TEST_LIBS)
test_xsd_tx_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_domain
test_xsd_domain_SRCS += tests/unit/test_xsd_domain.c tests/unit/xsd_testlib.c
test_xsd_domain_LIBS += $(XSD_TEST_LIBS)
test_xsd_domain_LDLIBS += -lcunit
