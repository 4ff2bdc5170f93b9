# libpvx: the toolstack library under pvx. Other fragments in this folder add sources.
HOST_LIBS += pvx
