"""Key templates of the single table, with its entity chart and access patterns.

Every tenant item's partition key (base table and GSIs) starts with ``T#<tenant_id>#`` so that an
IAM ``dynamodb:LeadingKeys`` condition can fence a tenant. Host routing entries are the only items
without it. Ids are type-prefixed ULIDs, so sort keys made of ids sort by creation time.

Entity chart
============

======================  =============================  =============  ======================================  =====================================  =================================
entity (``type``)       PK                             SK             GSI1PK / GSI1SK                         GSI2PK / GSI2SK                        GSI3PK / GSI3SK
======================  =============================  =============  ======================================  =====================================  =================================
tenant                  T#<t>#TENANT                   TENANT         T#platform#TENANT / <t>
staff_user              T#<t>#STAFF                    <email>
organization            T#<t>#ORG                      <org_id>
website                 T#<t>#WEBSITE                  <web_id>
host                    HOST#<hostname>                HOST
idempotency             T#<t>#IDEM#<digest>            IDEM                                                                                                          (TTL expires_at)
event (outbox)          T#<t>#EVENT#<event_id>         EVENT                                                                                                         (TTL expires_at)
audit_entry             T#<t>#AUDIT#<entity_id>        <event_id>     T#<t>#AUDIT / <event_id>                T#<t>#AUDIT#TYPE#<type> / <event_id>   T#<t>#AUDIT#ACTOR#<actor> / <event_id>
======================  =============================  =============  ======================================  =====================================  =================================

The platform's own operators live in the reserved tenant ``platform`` (no customer tenant may take
that id), so even the tenant list sits under a ``T#`` prefix.

Access patterns
===============

==  ==========================================  =================================================  =============================================
#   pattern                                     key condition                                      implemented by
==  ==========================================  =================================================  =============================================
1   get a tenant                                PK=T#<t>#TENANT, SK=TENANT                         services.tenants.get_tenant
2   list tenants                                GSI1 PK=T#platform#TENANT                          services.tenants.list_tenants
3   get a staff user (principal loading)        PK=T#<t>#STAFF, SK=<email>                         services.principals.load_principal
4   get / list organizations                    PK=T#<t>#ORG [, SK=<org_id>]                       services.organizations.get/list_organizations
5   get / list websites                         PK=T#<t>#WEBSITE [, SK=<web_id>]                   services.websites.get/list_websites
6   list an organization's websites             PK=T#<t>#WEBSITE, filter organization_id           services.websites.list_websites (organization_id)
7   resolve a hostname to its website           PK=HOST#<hostname>, SK=HOST                        services.websites.get_public_website
8   claim / release a hostname (unique)         PK=HOST#<hostname>, condition not exists / owner   services.websites.create/update/delete_website
9   replay an idempotent create                 PK=T#<t>#IDEM#<digest>, SK=IDEM                    platform.idempotency.find_replay
10  outbox event (stream -> dispatcher)         PK=T#<t>#EVENT#<event_id>, SK=EVENT                services.outbox (written in each transaction)
11  audit entries of one entity, newest first   PK=T#<t>#AUDIT#<entity_id>                         services.audit.list_audit (entity_id)
12  audit entries of a tenant, newest first     GSI1 PK=T#<t>#AUDIT                                services.audit.list_audit
13  audit entries of one entity type            GSI2 PK=T#<t>#AUDIT#TYPE#<type>                    services.audit.list_audit (entity_type)
14  audit entries of one actor                  GSI3 PK=T#<t>#AUDIT#ACTOR#<actor>                  services.audit.list_audit (actor)
==  ==========================================  =================================================  =============================================

Pattern 6 filters the tenant's website partition instead of keeping a GSI: a tenant has tens of
websites, and the strongly consistent read is what the organization delete guard needs.
Audit filters combine by querying the most selective index (entity, then actor, then type) and
filtering on the others.
"""

from __future__ import annotations

from dataclasses import dataclass

PLATFORM_TENANT = "platform"


@dataclass(frozen=True)
class Key:
    pk: str
    sk: str


def tenant_prefix(tenant_id: str) -> str:
    return f"T#{tenant_id}#"


def tenant(tenant_id: str) -> Key:
    return Key(f"T#{tenant_id}#TENANT", "TENANT")


def tenants_index() -> str:
    return f"T#{PLATFORM_TENANT}#TENANT"


def staff_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#STAFF"


def staff_user(tenant_id: str, email: str) -> Key:
    return Key(staff_collection(tenant_id), email.lower())


def organization_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#ORG"


def organization(tenant_id: str, organization_id: str) -> Key:
    return Key(organization_collection(tenant_id), organization_id)


def website_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#WEBSITE"


def website(tenant_id: str, website_id: str) -> Key:
    return Key(website_collection(tenant_id), website_id)


def host(hostname: str) -> Key:
    return Key(f"HOST#{hostname.lower()}", "HOST")


def idempotency(tenant_id: str, digest: str) -> Key:
    return Key(f"T#{tenant_id}#IDEM#{digest}", "IDEM")


def event(tenant_id: str, event_id: str) -> Key:
    return Key(f"T#{tenant_id}#EVENT#{event_id}", "EVENT")


def audit_entry(tenant_id: str, entity_id: str, event_id: str) -> Key:
    return Key(audit_of_entity(tenant_id, entity_id), event_id)


def audit_of_entity(tenant_id: str, entity_id: str) -> str:
    return f"T#{tenant_id}#AUDIT#{entity_id}"


def audit_of_tenant(tenant_id: str) -> str:
    return f"T#{tenant_id}#AUDIT"


def audit_of_type(tenant_id: str, entity_type: str) -> str:
    return f"T#{tenant_id}#AUDIT#TYPE#{entity_type}"


def audit_of_actor(tenant_id: str, actor: str) -> str:
    return f"T#{tenant_id}#AUDIT#ACTOR#{actor}"
