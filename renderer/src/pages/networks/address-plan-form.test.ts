// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  addressPlanToForm,
  emptyAddressPlanForm,
  formToAddressPlan,
  validateAddressPlanForm,
} from './address-plan-form';

const base = {
  ...emptyAddressPlanForm(),
  enabled: true,
  cidr: '10.0.0.0/24',
  rangeStart: '10.0.0.100',
  rangeEnd: '10.0.0.199',
  dnsDomain: 'lab.internal',
};
const iso = { name: 'lab', isolated: true };

describe('address plan form', () => {
  it('is off by default and then sends null (no service)', () => {
    expect(formToAddressPlan(emptyAddressPlanForm())).toBeNull();
    expect(validateAddressPlanForm(emptyAddressPlanForm(), { name: 'x', isolated: false })).toEqual(
      {},
    );
  });

  it('turns values into the contract input and back', () => {
    const input = formToAddressPlan({ ...base, dnsServers: '10.9.9.9, 10.9.9.8' });
    expect(input).toEqual({
      subnet: { cidr: '10.0.0.0/24', dnsServers: ['10.9.9.9', '10.9.9.8'] },
      dhcpRange: { start: '10.0.0.100', end: '10.0.0.199' },
      dnsDomain: 'lab.internal',
    });
    expect(validateAddressPlanForm(base, iso)).toEqual({});
    const back = addressPlanToForm({
      subnet: {
        name: 'lab-subnet',
        cidr: '10.0.0.0/24',
        ipVersion: 'v4',
        gateway: null,
        dnsServers: [],
      },
      dhcpRange: { start: '10.0.0.100', end: '10.0.0.199' },
      dnsDomain: 'lab.internal',
      serviceAddress: '10.0.0.254',
    });
    expect(back).toMatchObject({
      enabled: true,
      cidr: '10.0.0.0/24',
      serviceAddress: '10.0.0.254',
    });
  });

  it('puts the engine rules beside their fields', () => {
    expect(validateAddressPlanForm({ ...base, rangeEnd: '10.0.1.5' }, iso).rangeEnd).toMatch(
      /not a host address of 10.0.0.0\/24/,
    );
    expect(validateAddressPlanForm({ ...base, cidr: '10.0.0.1/24' }, iso).cidr).toMatch(
      /network address/,
    );
    expect(validateAddressPlanForm({ ...base, gateway: '10.0.0.150' }, iso).rangeStart).toMatch(
      /holds the gateway/,
    );
    expect(
      validateAddressPlanForm({ ...base, serviceAddress: '10.0.0.120' }, iso).serviceAddress,
    ).toMatch(/inside the DHCP range/);
    expect(
      validateAddressPlanForm({ ...base, dnsDomain: 'no spaces' }, iso).dnsDomain,
    ).toBeDefined();
    expect(validateAddressPlanForm({ ...base, rangeEnd: '' }, iso).rangeEnd).toMatch(/both ends/);
    expect(validateAddressPlanForm(base, { name: 'lab', isolated: false }).enabled).toMatch(
      /isolated networks only/,
    );
  });
});
