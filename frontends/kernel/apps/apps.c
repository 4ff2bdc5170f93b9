/* The app table of the reference kernel: name, entry, help. Add an app here and its
 * source to KERNEL_SRCS in build.mk. */
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/printk.h"
#include "lib/kstring.h"

static const struct app app_table[] = {
	{ "hello", app_hello_run, "greet, print what the hypervisor reports, power off" },
	{ "spin", app_spin_run, "loop forever on `pause` (CPU accounting, destroy)" },
	{ "fault", app_fault_run, "write to unmapped address 0x1000 (domain crashes, SIGSEGV)" },
	{ "badsys", app_badsys_run, "make a forbidden system call, getpid (SIGSYS)" },
	{ "ud", app_ud_run, "execute ud2 (SIGILL)" },
	{ "crash", app_crash_run, "SCHEDOP_shutdown(crash)" },
	{ "reboot", app_reboot_run, "SCHEDOP_shutdown(reboot)" },
	{ "forge", app_forge_run, "report a made-up fault through pvisor's private call" },
	{ "hcbench", app_hcbench_run, "n=COUNT (200000): time xen_version hypercalls" },
	{ "mem", app_mem_run,
	  "mib=N [give=1] [disks=1]: touch N MiB past the kernel (give: hand it to the balloon; disks: open the disks first), then idle serving the toolstack" },
	{ "sleep", app_sleep_run, "ms=MS n=N (100, 3): sleep on the timer, report each" },
	{ "smp", app_smp_run, "work=N rounds=R: compute on every vCPU, IPI round trips" },
	{ "evtping", app_evtping_run, "event channel ping-pong with a peer dom0 sets up" },
	{ "balloon", app_balloon_run,
	  "pct=P (50) delay_ms=T (2000): touch most RAM, give P% back after T ms, block" },
	{ "grant", app_grant_run, "share pages with dom0 (partner: gnt_peer map), revoke them" },
	{ "gcopy", app_gcopy_run, "mib=N (64): N MiB guest -> dom0 -> guest by grant copy" },
	{ "ping", app_ping_run, "dst=A count=N (4) size=S (56) interval_ms=T (1000): ICMP echo" },
	{ "pingall", app_pingall_run,
	  "base=A n=N ms=T linger_ms=L: ping A..A+N-1, then answer others for L ms" },
	{ "netserve", app_netserve_run,
	  "ms=T (0: forever) port=P (7): answer ARP, ping, UDP echo" },
	{ "udpecho", app_netserve_run, "port=P (7) ms=T: UDP echo server (same as netserve)" },
	{ "udpsend", app_udpsend_run,
	  "dst=A port=P size=S (1472) ms=T: UDP flood, Mbit/s and pps" },
	{ "udprecv", app_udprecv_run, "port=P idle_ms=I: count UDP datagrams, Mbit/s and pps" },
	{ "udprtt", app_udprtt_run,
	  "dst=A port=P count=N size=S: UDP echo round trips, median, p99" },
	{ "nethot", app_nethot_run,
	  "peer=A rounds=N: wait for a vif, ping A, go down when unplugged" },
	{ "netbad", app_netbad_run, "peer=A: malformed tx requests; the peer must still answer" },
	{ "shell", app_shell_run, "prompt=TEXT: a command line on the console (help lists)" },
	{ "flood", app_flood_run, "secs=S (10) lines=N: print numbered lines flat out" },
	{ "dualcons", app_dualcons_run,
	  "lines=N (20) ms=T (0): each line to the console ring and console_io (as Mini-OS)" },
	{ "xstest", app_xstest_run,
	  "op=check other=D | op=bench n=N: the store from the guest (xenbus)" },
	{ "blkcheck", app_blkcheck_run,
	  "op=write|verify|ro|discard|bad mib=N seed=S disk=xvda persistent=0|1 queues=N hold=MS: disk tests" },
	{ "blkhot", app_blkhot_run,
	  "seed=S mib=N rounds=R: bring up hot-plugged disks, check them, close on unplug" },
	{ "cmds", app_cmds_run, "cmd1=WORD,WORD.. cmd2=..: run shell commands, then power off" },
	{ "blkbench", app_blkbench_run,
	  "disk= mib= ms= tests=seqread,.. qds=1,32: disk throughput (bench_blkhost on the host)" },
	{ "dirty", app_dirty_run,
	  "mib=N (8) rate=R (10) passes=P: dirty N MiB round and round at R MiB/s (0: flat "
	  "out), every pass read back (live migration's write load)" },
	{ "count", app_count_run,
	  "ms=T (20) mib=N (0) n=LIMIT disk=xvda ping=A: count in memory, a line per value "
	  "(each first written to sector N, and a ping); N MiB of pattern checked after each "
	  "restore (save/restore tests)" },
	{ "help", app_help_run, "list the apps" },
};

#define APP_COUNT (sizeof(app_table) / sizeof(app_table[0]))

const struct app *app_find(const char *name)
{
	for (size_t i = 0; i < APP_COUNT; i++) {
		if (strcmp(app_table[i].name, name) == 0)
			return &app_table[i];
	}
	return NULL;
}

void app_list_names(char *buf, size_t size)
{
	size_t pos = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < APP_COUNT && pos < size; i++) {
		pos += kstrlcpy(buf + pos, app_table[i].name, size - pos);
		if (i + 1 < APP_COUNT && pos + 1 < size) {
			buf[pos++] = ' ';
			buf[pos] = '\0';
		}
	}
}

int app_help_run(const struct app_env *env)
{
	(void)env;
	printk("help: boot with app=NAME [key=value ...]; the apps are:\n");
	for (size_t i = 0; i < APP_COUNT; i++)
		printk("help:   %-8s %s\n", app_table[i].name, app_table[i].help);
	return PV_SHUTDOWN_poweroff;
}
