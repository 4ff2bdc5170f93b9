/* vCPU hot-plug: the secondary vCPUs follow cpu/<n>/availability (online /
 * offline), as a Linux guest's cpu-hotplug driver does. A vCPU brought online runs
 * an idle loop; one taken offline calls VCPUOP_down on itself and continues where
 * it stopped when VCPUOP_up brings it back. vCPU 0 stays online. Thread context
 * on vCPU 0 only. */
#ifndef KERNEL_VCPUHP_H
#define KERNEL_VCPUHP_H

/* Read every cpu/<n>/availability and bring vCPUs up or down to match. */
void vcpuhp_sync(void);

/* 1 when vCPU id runs the hot-plug idle loop and is up. */
int vcpuhp_online(unsigned id);

#endif
