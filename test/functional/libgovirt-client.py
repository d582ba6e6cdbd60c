#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Drive the appliance with libgovirt (virt-viewer's oVirt client) through GObject
introspection: fetch the API, list VMs, start and stop one. Prints one JSON line.

usage: libgovirt-client.py HOST:PORT CA_FILE USER PASSWORD VM_NAME
"""
import json
import sys

import gi

gi.require_version('GoVirt', '1.0')
from gi.repository import GoVirt  # noqa: E402


def state_of(proxy, name):
    api = proxy.get_api()
    vms = api.get_vms()
    vms.fetch(proxy)
    vm = vms.get_resources().get(name)
    return vm, (vm.get_property('state').value_nick if vm is not None else None)


def main():
    host, ca_file, user, password, vm_name = sys.argv[1:6]
    # libgovirt builds https://HOST/ovirt-engine/api; it only speaks TLS.
    proxy = GoVirt.Proxy.new(host)
    proxy.set_property('username', user)
    proxy.set_property('password', password)
    proxy.set_property('ssl-ca-file', ca_file)
    out = {}
    api = proxy.fetch_api()
    out['api'] = api is not None
    vms = api.get_vms()
    vms.fetch(proxy)
    out['vms'] = sorted(vms.get_resources().keys())
    vm, out['before'] = state_of(proxy, vm_name)
    out['start'] = vm.start(proxy)
    _, out['after_start'] = state_of(proxy, vm_name)
    vm, _ = state_of(proxy, vm_name)
    out['stop'] = vm.stop(proxy)
    _, out['after_stop'] = state_of(proxy, vm_name)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
