/* The hvm engine: each domain is a KVM virtual machine whose vCPUs are threads of the
 * hypervisor. This file is its ops table and the VM's life: probe at start-up, start
 * (the VM, its vCPU fds and threads), pause, kill, release, CPU time. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvm.h"
#include "hvm_engine.h"
#include "log.h"
#include "pvisor/errno.h"

static void hvm_sigusr1(int sig)
{
	(void)sig;
}

/* /dev/kvm is looked at once. Without a usable one the engine is not registered
 * (engines/engine.c): pv domains run, hvm ones are refused (pvx says why). */
static int hvm_init(void)
{
	struct sigaction sa = { .sa_handler = hvm_sigusr1 };
	int rc = hvm_kvm_probe();

	if (rc < 0) {
		log_info("hvm engine: unavailable: %s", hvm_kvm_why());
		return rc;
	}
	sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART: takes a vCPU out of KVM_RUN */
	return 0;
}

static int hvm_create(struct domain *d)
{
	struct hvm_dom *h;

	if (hvm_kvm_why()[0]) {
		log_warnx("dom%u: type hvm needs a working /dev/kvm: %s", d->domid,
			  hvm_kvm_why());
		return -PV_ENODEV;
	}
	h = calloc(1, sizeof(*h) + d->max_vcpus * sizeof(h->vcpus[0]));
	if (!h)
		return -PV_ENOMEM;
	h->vm = -1;
	h->ring = 3;
	h->nr_vcpus = d->max_vcpus;
	for (unsigned i = 0; i < d->max_vcpus; i++) {
		h->vcpus[i].fd = -1;
		pthread_cond_init(&h->vcpus[i].cond, NULL);
	}
	d->engine_priv = h;
	return 0;
}

static void hvm_destroy(struct domain *d)
{
	struct hvm_dom *h = d->engine_priv;

	if (!h)
		return;
	hvm_kvm_vm_close(d);
	for (unsigned i = 0; i < h->nr_vcpus; i++)
		pthread_cond_destroy(&h->vcpus[i].cond);
	free(h);
	d->engine_priv = NULL;
}

/* The threads of a start that failed half-way leave, and the last one reports the VM
 * gone like any other end (the core then crashes the domain with the reason). */
static int hvm_start_failed(struct domain *d, int rc, const char *what)
{
	struct hvm_dom *h = hvm_dom(d);

	snprintf(h->why, sizeof(h->why), "hvm: cannot start: %s (error %d)", what, -rc);
	log_warnx("dom%u: %s", d->domid, h->why);
	if (h->threads) {
		h->dying = 1;
		hvm_vcpu_kick_all(d);
	} else {
		hvm_kvm_vm_close(d);
	}
	return rc;
}

/* hv_lock held. vCPU threads start held: the first unpause is what lets them go. */
static int hvm_start(struct domain *d)
{
	int rc;

	timeinfo_update(d);
	rc = hvm_kvm_vm_create(d);
	if (rc)
		return hvm_start_failed(d, rc, "creating the VM");
	for (unsigned i = 0; i < d->max_vcpus; i++)
		if ((rc = hvm_kvm_vcpu_create(d, &d->vcpus[i])) != 0)
			return hvm_start_failed(d, rc, "creating a vCPU");
	/* The threads wait for hv_lock (held here) before anything: none can end before
	 * the reference they drop at the end is taken. */
	for (unsigned i = 0; i < d->max_vcpus && rc == 0; i++)
		rc = hvm_vcpu_start(d, &d->vcpus[i]);
	if (hvm_dom(d)->threads)
		domain_hold_locked(d); /* dropped by the last thread, after domain_reaped */
	return rc ? hvm_start_failed(d, rc, "creating a vCPU thread") : 0;
}

static int hvm_pause(struct domain *d)
{
	hvm_dom(d)->paused = 1;
	hvm_vcpu_kick_all(d);
	return 0;
}

static int hvm_unpause(struct domain *d)
{
	timeinfo_update(d);
	hvm_dom(d)->paused = 0;
	for (unsigned i = 0; i < d->max_vcpus; i++)
		hvm_vcpu_wake(d, &d->vcpus[i]);
	return 0;
}

static void hvm_kill(struct domain *d)
{
	hvm_dom(d)->dying = 1;
	hvm_vcpu_kick_all(d);
}

/* From domain_reaped, on the last vCPU thread: every other one has ended. */
static void hvm_release(struct domain *d)
{
	hvm_kvm_vm_close(d);
}

static uint64_t hvm_vcpu_time(struct domain *d, struct vcpu *v)
{
	return hvm_vcpu_cpu_ns(d, v);
}

static uint64_t hvm_cpu_time(struct domain *d)
{
	uint64_t ns = 0;

	for (unsigned i = 0; i < d->max_vcpus; i++)
		ns += hvm_vcpu_cpu_ns(d, &d->vcpus[i]);
	return ns;
}

/* pvx info (docs/SECURITY.md): the hardware is the wall; the vCPU threads that run
 * KVM_RUN are pvisor's own, so there is no second, process wall around the guest. */
static const char *hvm_walls(void)
{
	return "hardware virtualization (KVM); the vCPUs are threads of pvisor, in its "
	       "process: no uid, namespace or cgroup of their own";
}

const struct engine_ops engine_hvm = {
	.name = "hvm",
	.init = hvm_init,
	.create = hvm_create,
	.destroy = hvm_destroy,
	.start = hvm_start,
	.pause = hvm_pause,
	.unpause = hvm_unpause,
	.kill = hvm_kill,
	.release = hvm_release,
	.complete = hvm_complete,
	.kick = hvm_kick,
	.set_callback = hvm_set_callback,
	.hypercall_page = hvm_hypercall_page,
	.cpu_time = hvm_cpu_time,
	.vcpu_time = hvm_vcpu_time,
	.quiesce = hvm_quiesce,
	.resume = hvm_resume,
	.get_vcpu = hvm_get_vcpu,
	.set_vcpu = hvm_set_vcpu,
	.dirty_log_start = hvm_dirty_log_start,
	.dirty_log_collect = hvm_dirty_log_collect,
	.dirty_log_stop = hvm_dirty_log_stop,
	.walls = hvm_walls,
};
