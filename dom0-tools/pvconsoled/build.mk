# dom0-tools/pvconsoled: the console backend daemon. Library pvconsring is the
# pure ring and log code the unit tests link.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/pvconsoled,include common libxs=dom0-tools/libxs \
	libpvctrl=dom0-tools/libpvctrl))

HOST_LIBS += pvconsring
pvconsring_SRCS += dom0-tools/pvconsoled/cring.c dom0-tools/pvconsoled/conlog.c
HOST_PROGS += pvconsoled
pvconsoled_SRCS += dom0-tools/pvconsoled/main.c dom0-tools/pvconsoled/cdom.c \
	dom0-tools/pvconsoled/scan.c dom0-tools/pvconsoled/greet.c
pvconsoled_LIBS += pvconsring pvctrl xs pvcommon
