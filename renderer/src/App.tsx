// SPDX-License-Identifier: Apache-2.0
// The application frame: PatternFly masthead + vertical navigation, as in oVirt's
// Administration Portal and Cockpit; the login form first when running in a browser.
import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavItem,
  NavList,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { BarsIcon } from '@patternfly/react-icons';
import { useEffect, useState } from 'react';

import type { ContractClient } from './client/client';
import { HttpTransport } from './client/http-transport';
import { ClientContext, useClient } from './context';
import { ClustersPage } from './pages/clusters/ClustersPage';
import { EventsPage } from './pages/events/EventsPage';
import { HostsPage } from './pages/hosts/HostsPage';
import { LabsPage } from './pages/labs/LabsPage';
import { LoginPage } from './pages/LoginPage';
import { NetworksPage } from './pages/networks/NetworksPage';
import { StoragePage } from './pages/storage/StoragePage';
import { TemplatesPage } from './pages/templates/TemplatesPage';
import { VmsPage } from './pages/vms/VmsPage';
import { ProgressStore, useJobs } from './progress';
import { href, type Route, useRoute } from './router';

const NAV: readonly { section: Route['section']; label: string }[] = [
  { section: 'networks', label: 'Networks' },
  { section: 'clusters', label: 'Clusters' },
  { section: 'hosts', label: 'Hosts' },
  { section: 'vms', label: 'Virtual Machines' },
  { section: 'storage', label: 'Storage' },
  { section: 'templates', label: 'Templates' },
  { section: 'events', label: 'Events' },
  { section: 'labs', label: 'Labs' },
];

export function App({ client }: { client: ContractClient }) {
  const transport = client.transport;
  const http = transport instanceof HttpTransport ? transport : null;
  const [loggedIn, setLoggedIn] = useState(http ? http.authenticated : true);

  useEffect(() => {
    if (!http) return;
    http.onUnauthenticated = () => {
      setLoggedIn(false);
    };
  }, [http]);

  if (http && !loggedIn) {
    return (
      <LoginPage
        onLogin={async (user, password) => {
          await http.login(user, password, window.sessionStorage);
          setLoggedIn(true);
        }}
      />
    );
  }
  return (
    <ClientContext.Provider value={client}>
      <Shell
        {...(http
          ? {
              onLogout: () => {
                http.logout(window.sessionStorage);
                setLoggedIn(false);
              },
            }
          : {})}
      />
    </ClientContext.Provider>
  );
}

function Shell({ onLogout }: { onLogout?: () => void }) {
  const route = useRoute();
  const client = useClient();
  const [progress] = useState(() => new ProgressStore(client));
  useEffect(() => progress.attach(), [progress]);
  const running = useJobs(progress).filter((j) => j.status === 'started' || j.status === 'running');
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton aria-label="Global navigation">
            <BarsIcon />
          </PageToggleButton>
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component="a" href="#/networks" aria-label="AIO Lab home">
            <strong style={{ fontSize: '1.2rem' }}>AIO Lab</strong>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarItem align={{ default: 'alignEnd' }}>
              {running.length > 0 && (
                <a
                  href={href({ section: 'events' })}
                  style={{ marginRight: 16 }}
                  id="tasks-running"
                >
                  <Spinner size="md" aria-hidden /> {running.length} task
                  {running.length === 1 ? '' : 's'} running
                </a>
              )}
              <span style={{ marginRight: 12 }}>admin@internal</span>
              {onLogout && (
                <Button variant="secondary" id="logout" onClick={onLogout}>
                  Log out
                </Button>
              )}
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Main navigation">
          <NavList>
            {NAV.map((n) => (
              <NavItem
                key={n.section}
                itemId={n.section}
                id={`nav-${n.section}`}
                isActive={route.section === n.section}
                to={href({ section: n.section })}
              >
                {n.label}
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
  return (
    <Page masthead={masthead} sidebar={sidebar} isManagedSidebar>
      {route.section === 'networks' && <NetworksPage />}
      {route.section === 'clusters' && <ClustersPage />}
      {route.section === 'hosts' && <HostsPage route={route} />}
      {route.section === 'vms' && <VmsPage route={route} />}
      {route.section === 'storage' && <StoragePage />}
      {route.section === 'templates' && <TemplatesPage />}
      {route.section === 'events' && <EventsPage progress={progress} />}
      {route.section === 'labs' && <LabsPage />}
    </Page>
  );
}
