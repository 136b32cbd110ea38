# SPDX-License-Identifier: GPL-2.0
#
# make                build the modules against KDIR (W=1)
# make check          the test command: test kernel, VM, every KUnit suite and
#                     the user-space tests; ends with "N passed, N failed"
# make check-quick    the quick loop: 6.12 modules, a short user-space run, the
#                     main guest once; the same closing line, in a few minutes
# make run            boot the VM, load kalloc and the demo, show the statistics
# make vm VM_ARGS=..  the VM runner (scripts/vm.sh --help)
# make check-harness  prove the harness fails on a failed case and on a WARN
# make testkernel     build (or reuse) the cached test kernel
# make utest [OPS=N]  the user-space tests only (N stress operations per strategy)
# make bench          kalloc against kmalloc/kmem_cache in the VM, and the core natively
# make dkms-install  add, build and install kalloc.ko with DKMS for the running kernel
# make dkms-remove   remove it from DKMS again
# make clean

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(shell scripts/testkernel.sh --print-dir))

.PHONY: all modules clean check check-quick check-harness run vm testkernel utest bench dkms-install \
	dkms-remove

KALLOC_VERSION := $(shell sed -n 's/^\#define KALLOC_VERSION[[:space:]]*"\(.*\)"/\1/p' kalloc/internal.h)

all: modules

modules:
	@test -f $(KDIR)/Makefile || { echo "kalloc: no kernel tree at $(KDIR): run 'make testkernel' or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

clean:
	@test ! -f $(KDIR)/Makefile || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

check:
	scripts/check.sh

check-quick:
	scripts/check-quick.sh

check-harness:
	scripts/check-harness.sh
	KALLOC_FLAVOR=6.1 scripts/check-harness.sh

run:
	scripts/run.sh

vm:
	scripts/vm.sh $(VM_ARGS)

testkernel:
	scripts/testkernel.sh >/dev/null

bench:
	scripts/bench.sh

utest:
	KALLOC_STRESS_OPS=$(or $(OPS),1000000) scripts/utest.sh

dkms-install:
	dkms add $(CURDIR)
	dkms build kalloc/$(KALLOC_VERSION)
	dkms install kalloc/$(KALLOC_VERSION)

dkms-remove:
	dkms remove kalloc/$(KALLOC_VERSION) --all

endif
