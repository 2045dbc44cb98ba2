"""Key templates of the single table, with its entity chart and access patterns.

Every tenant item's partition key (base table and GSIs) starts with ``T#<tenant_id>#`` so that an
IAM ``dynamodb:LeadingKeys`` condition can fence a tenant. Host routing entries are the only items
without it. Ids are type-prefixed ULIDs, so sort keys made of ids sort by creation time.

Entity chart
============

======================  =============================  ==============  ======================================  =====================================  =================================
entity (``type``)       PK                             SK              GSI1PK / GSI1SK                         GSI2PK / GSI2SK                        GSI3PK / GSI3SK
======================  =============================  ==============  ======================================  =====================================  =================================
tenant                  T#<t>#TENANT                   TENANT          T#platform#TENANT / <t>
staff_user              T#<t>#STAFF                    <email>
staff_user_id           T#<t>#STAFF#<staff_id>         ID
staff_role_catalog      T#<t>#STAFFROLES               ROLES
sales_rep_assignment    T#<t>#CUST#<customer_id>       REP#<s>#<u>     T#<t>#STAFF#<s>#CUSTOMERS / <c>#<u>
organization            T#<t>#ORG                      <org_id>
website                 T#<t>#WEBSITE                  <web_id>
host                    HOST#<hostname>                HOST
customer_unit           T#<t>#CUST#<customer_id>       UNIT#<unit_id>  T#<t>#CUSTOMER / <customer_id>          T#<t>#CGROUP#<group_id> / <unit_id>
customer_tree           T#<t>#CUST#<customer_id>       TREE
customer_role           T#<t>#CUST#<customer_id>       ROLE#<role_id>
customer_group          T#<t>#CGROUP                   <group_id>
customer_user           T#<t>#CUSER                    <email>         T#<t>#CUST#<c>#USER / <unit_id>#<email>
customer_user_id        T#<t>#CUSER#<user_id>          ID
idempotency             T#<t>#IDEM#<digest>            IDEM                                                                                                           (TTL expires_at)
event (outbox)          T#<t>#EVENT#<event_id>         EVENT                                                                                                          (TTL expires_at)
audit_entry             T#<t>#AUDIT#<entity_id>        <event_id>      T#<t>#AUDIT / <event_id>                T#<t>#AUDIT#TYPE#<type> / <event_id>   T#<t>#AUDIT#ACTOR#<actor> / <event_id>
attribute               T#<t>#ATTRIBUTE                <code>
attribute_usage         T#<t>#ATTRUSE#<code>           <product_id>
product                 T#<t>#PRODUCT#<p>              PRODUCT         T#<t>#ORG#<org>#PRODUCTS / <p>          T#<t>#PRODUCT#<par>#VARIANTS / <sku>   T#<t>#PRODUCTS / <p>
variant_combination     T#<t>#PRODUCT#<parent>         COMBO#<values>
sku                     T#<t>#SKU#<sku casefolded>     SKU
category                T#<t>#ORG#<org>#CATEGORY       <cat_id>
category_tree           T#<t>#ORG#<org>#CATEGORY       TREE
category_product        T#<t>#CATEGORY#<cat_id>        P#<p>           T#<t>#CATEGORY#<cat>#NAME / <name>#<p>  T#<t>#CATEGORY#<cat>#SKU / <sku>
search_token            T#<t>#ORG#<org>#SEARCH#<ab>    <token>#<p>
product_media           T#<t>#PRODUCT#<prd_id>         MEDIA#<med_id>
selection               T#<t>#SELECTION                <sel_id>
product_rules           T#<t>#PRODUCT#<p>              RULES
unit_rule               T#<t>#CUST#<customer_id>       VIS#<u>#<w>#P#<p> (a product's), VIS#<u>#<w>#C#<cat> (a category's);
                                                                       GSI1 T#<t>#PRODUCT#<p>#UNITRULES (T#<t>#CATEGORY#<cat>#UNITRULES) / <c>#<u>#<w>
selection_unit          T#<t>#CUST#<customer_id>       SEL#<u>#<sel>   T#<t>#SELECTION#<sel>#UNITS / <c>#<u>
selection_product       T#<t>#SELECTION#<sel_id>       P#<p>
category_count          T#<t>#ORG#<org>#CATCOUNT       <cat_id>#<0-3>  (no GSI; the number is the top-level ``tally``, changed by ADD only)
price_list              T#<t>#PRICELIST                <prl_id>        T#<t>#ORG#<org>#PRICELISTS / <prl_id>
price_list_product      T#<t>#PRICELIST#<prl_id>       P#<p>
price_sheet             T#<t>#PRODUCT#<p>              PRICES
price_assignment        T#<t>#PRICING                  WEB#<web_id>, CGR#<group_id> (a website's, a group's lists)
exchange_rates          T#<t>#PRICING                  RATES
unit_price_assignment   T#<t>#CUST#<customer_id>       PRC#<u>         T#<t>#PRICING#UNITS / <c>#<u>
shopping_list           T#<t>#SLIST#<list_id>          LIST            T#<t>#CUST#<c>#SLISTS / <web>#<list_id>
shopping_list_chunk     T#<t>#SLIST#<list_id>          LINES#<nn>      (up to 50 lines each; docs/orders-design.md)
shopping_list_owner     T#<t>#CUSER#<user_id>          SLISTS#<web>    (a user's list count and default list on a website)
tax_configuration       T#<t>#TAX                      CONFIG
order_counter           T#<t>#ORDERNO                  COUNTER         (no GSI; the last order number is the top-level ``tally``, advanced by each order's transaction)
shipping_method         T#<t>#WEBSITE#<web>#CHECKOUT   SHIP#<shp_id>
website_order_limits    T#<t>#WEBSITE#<web>#CHECKOUT   LIMITS
unit_order_limits       T#<t>#CUST#<customer_id>       LIM#<unit_id>
payment_term            T#<t>#PAYTERM                  <code>
order                   T#<t>#ORDER#<ord>              ORDER           T#<t>#CUST#<c>#ORDERS / <ord>           T#<t>#ORG#<org>#ORDERS / <ord>         T#<t>#ORDERS / <ord>
order_lines             T#<t>#ORDER#<ord>              LINES#<nnn>     (up to 100 lines each, never changed after placing; docs/orders-design.md)
order_invoice           T#<t>#ORDER#<ord>              INVOICE#<no>    (an invoice the ERP issued for the order, by its number; read with the order)
integration_key         T#<t>#INTEGRATION              <int_id>
erp_import              T#<t>#ERPMSG#<message_id>      IMPORT          T#<t>#ERPIMPORTS / <received>#<id>       T#<t>#ERPIMPORTS#<status> / <received>#<id>
erp_sequence            T#<t>#ERPSEQ#<entity>          SEQ             (the newest ``source_seq`` applied to an ERP entity and its message id)
erp_reference           T#<t>#ERPREF#<kind>            <erp code>      (the Kontor id of a record the ERP names by its code)
checkout                T#<t>#CHECKOUT#<chk>           CHECKOUT        (no GSI; reached by id from the buyer's or the sales rep's session)
checkout_lines          T#<t>#CHECKOUT#<chk>           LINES#<nn>      (up to 100 lines each; rewritten only by the review step)
======================  =============================  ==============  ======================================  =====================================  =================================

The platform's own operators live in the reserved tenant ``platform`` (no customer tenant may take
that id), so even the tenant list sits under a ``T#`` prefix.

Access patterns
===============

===  ==========================================  =================================================  =============================================
#    pattern                                     key condition                                      implemented by
===  ==========================================  =================================================  =============================================
1    get a tenant (suspend: condition version)   PK=T#<t>#TENANT, SK=TENANT                         services.tenants.get_tenant/change_tenant_status
2    list tenants                                GSI1 PK=T#platform#TENANT                          services.tenants.list_tenants
3    load the principal (staff or customer)      BatchGet T#<t>#STAFF/<email>, T#<t>#CUSER/<email>  services.principals.load_principal
                                                 T#<t>#STAFFROLES/ROLES (the tenant's roles) and
                                                 T#<t>#TENANT/TENANT (its status: suspended?)
4    get / list organizations                    PK=T#<t>#ORG [, SK=<org_id>]                       services.organizations.get/list_organizations
5    get / list websites                         PK=T#<t>#WEBSITE [, SK=<web_id>]                   services.websites.get/list_websites
6    list an organization's websites             PK=T#<t>#WEBSITE, filter organization_id           services.websites.list_websites (organization_id)
7    resolve a hostname to its website           PK=HOST#<hostname>, SK=HOST                        services.websites.get_public_website
8    claim / release a verified hostname         PK=HOST#<hostname>, condition not exists / owner   services.websites.verify_hostname, update/delete_website
9    replay an idempotent create                 PK=T#<t>#IDEM#<digest>, SK=IDEM                    platform.idempotency.find_replay
10   outbox event (stream -> dispatcher)         PK=T#<t>#EVENT#<event_id>, SK=EVENT                services.outbox (written in each transaction)
11   audit entries of one entity, newest first   PK=T#<t>#AUDIT#<entity_id>                         services.audit.list_audit (entity_id)
12   audit entries of a tenant, newest first     GSI1 PK=T#<t>#AUDIT                                services.audit.list_audit
13   audit entries of one entity type            GSI2 PK=T#<t>#AUDIT#TYPE#<type>                    services.audit.list_audit (entity_type)
14   audit entries of one actor                  GSI3 PK=T#<t>#AUDIT#ACTOR#<actor>                  services.audit.list_audit (actor)
15   get a customer (its root unit) or a unit    PK=T#<t>#CUST#<c>, SK=UNIT#<unit_id>               services.customers.get_customer/get_unit
16   list customers                              GSI1 PK=T#<t>#CUSTOMER                             services.customers.list_customers
17   load a company tree and its structure       PK=T#<t>#CUST#<c> (the whole partition)            services.customers.load_company
18   serialize a company's structure changes     PK=T#<t>#CUST#<c>, SK=TREE, condition version      services.customers.create/update/delete_unit
19   get / list customer groups                  PK=T#<t>#CGROUP [, SK=<group_id>]                  services.customer_groups.get/list_customer_groups
20   a unit's group exists (referential check)   PK=T#<t>#CGROUP, SK=<group_id>, condition check    services.customers (unit writes)
21   units of a customer group                   GSI2 PK=T#<t>#CGROUP#<group_id>                    services.customer_groups.delete_customer_group
22   get a customer user by id                   PK=T#<t>#CUSER#<user_id>, then the user by email   services.customer_users.get_user
23   users of a company, by home unit            GSI1 PK=T#<t>#CUST#<c>#USER [, SK begins <unit>#]  services.customer_users.list_users/holders_of_role, customers.dependents
24   one email, one account in a tenant          condition: no T#<t>#STAFF/<email>, no CUSER item   services.customer_users.invite_user
25   a company's own roles                       PK=T#<t>#CUST#<c> (read with pattern 17)           services.customers.load_company
26   list staff users / get one by id            PK=T#<t>#STAFF; PK=T#<t>#STAFF#<s>, SK=ID          services.staff.list_staff_users/get_staff_user
27   customers a sales rep is assigned to        GSI1 PK=T#<t>#STAFF#<s>#CUSTOMERS                  services.staff.assigned_customers
28   change the tenant's own staff roles         PK=T#<t>#STAFFROLES, SK=ROLES, condition version   services.staff.create/update/delete_role
29   change / delete a company role              PK=T#<t>#CUST#<c>, SK=ROLE#<id>, version cond.     services.company_admin.update/delete_role
30   a hostname named by a website is not        PK=HOST#<hostname>, condition check not exists     services.websites.create/update_website
     served by another one yet
31   a website's hostnames and their challenge   BatchGet T#<t>#WEBSITE/<web_id>, T#<t>#TENANT      services.websites.get_hostnames/verify_hostname
40   get / list attributes; a product's ones     PK=T#<t>#ATTRIBUTE [, SK=<code>]; BatchGet codes   services.catalog.attributes; catalog.products
41   an attribute still used by a product        PK=T#<t>#ATTRUSE#<code>, Limit 1                   services.catalog.attributes.delete_attribute
42   get a product (then its organization,       PK=T#<t>#PRODUCT#<p>, SK=PRODUCT; BatchGet org,    services.catalog.products.get/update_product
     attributes and parent in one BatchGet)      T#<t>#ATTRIBUTE/<code>..., the parent
43   list an organization's products             GSI1 PK=T#<t>#ORG#<org>#PRODUCTS                   services.catalog.products.list_products
44   list the tenant's products                  GSI3 PK=T#<t>#PRODUCTS (kept by the grant's reach) services.catalog.products.list_products
45   variants of a configurable product, by SKU  GSI2 PK=T#<t>#PRODUCT#<parent>#VARIANTS            services.catalog.products.get_product
46   one SKU, one product in a tenant            PK=T#<t>#SKU#<sku>, SK=SKU, condition not exists   services.catalog.products (create, SKU change)
47   one variant per combination in a family     PK=T#<t>#PRODUCT#<parent>, SK=COMBO#<values>,      services.catalog.products (variant writes)
                                                 condition not exists; parent: condition check
48   a product's categories are its              condition check T#<t>#ORG#<org>#CATEGORY/<cat>     services.catalog.products (every write)
     organization's; its category listing items  (type category); put T#<t>#CATEGORY#<cat>/P#<p>
49   search a prefix of a word or SKU            PK=T#<t>#ORG#<org>#SEARCH#<first 2>,               written by services.catalog.products
                                                 SK begins_with <folded prefix>
50   load an organization's category tree       PK=T#<t>#ORG#<org>#CATEGORY (the whole partition)  services.catalog.categories.load_categories
51   get a category                              PK=T#<t>#ORG#<org>#CATEGORY, SK=<cat_id>           services.catalog.categories.get_category
52   serialize a category tree's structure       PK=T#<t>#ORG#<org>#CATEGORY, SK=TREE, condition    services.catalog.categories (create, move,
     changes (and roots a website starts to      version (created with the first category)          re-slug, delete; website_catalog_writes)
     offer)
53   a category still has products               PK=T#<t>#CATEGORY#<cat_id>, Limit 1                services.catalog.categories.delete_category
54   the root categories a website offers        BatchGet T#<t>#ORG#<org>#CATEGORY/TREE and         services.catalog.categories.website_catalog_writes
     exist (then condition checks in its         /<cat_id> of each root it starts to offer
     transaction)
55   count a catalog change                      PK=T#<t>#TENANT, SK=TENANT, ADD                    services.tenants.count_catalog_change
                                                 data.catalog_generation :1 (no version change)
56   an organization still has categories        PK=T#<t>#ORG#<org>#CATEGORY, Limit 2 (the TREE     services.organizations.delete_organization
                                                 item and a category; the TREE item is deleted
                                                 with the organization, at the version read)
60   list a product's media                      GetItem T#<t>#PRODUCT#<prd>/PRODUCT, then          services.catalog.media.list_media
                                                 PK=T#<t>#PRODUCT#<prd>, SK begins_with MEDIA#
61   a media and its product, to check reach     BatchGet T#<t>#PRODUCT#<prd>/PRODUCT and           services.catalog.media.get/update/delete_media,
                                                 T#<t>#PRODUCT#<prd>/MEDIA#<med>                    complete_upload
62   a media's product still exists, in the      PK=T#<t>#PRODUCT#<prd>, SK=PRODUCT, condition      services.catalog.media.create_media
     organization read (referential check)       check organization_id
63   change / delete a media                     PK=T#<t>#PRODUCT#<prd>, SK=MEDIA#<med>, cond.      services.catalog.media.update/delete_media,
                                                 version                                            complete_upload
65   get / list selections                      PK=T#<t>#SELECTION [, SK=<sel_id>]                 services.catalog.selections.get/list_selections
66   list an organization's selections           PK=T#<t>#SELECTION, filter organization_id         services.catalog.selections.list_selections
67   a selection's categories are its           PK=T#<t>#ORG#<org>#CATEGORY, SK=<cat_id>,          services.catalog.selections (create/update)
     organization's (referential check)          condition check
68   a selection's customer groups exist         PK=T#<t>#CGROUP, SK=<group_id>, condition check    services.catalog.selections (create/update)
70   a product's rules and selections           BatchGet T#<t>#PRODUCT#<p>/PRODUCT and /RULES;     services.catalog.visibility.set/list_product_rules,
                                                 put RULES conditional on the version read          selection_members.add/remove_product
71   a category's rules (website, group)         update T#<t>#ORG#<org>#CATEGORY/<cat> SET          services.catalog.visibility.set_category_rule
                                                 data.websites, ADD data.rules_revision, condition
                                                 rules_revision as read (version untouched) + 55
72   set / remove a unit's rule                  put / delete T#<t>#CUST#<c>/VIS#<u>#<w>#P#<p>      services.catalog.visibility (unit level)
                                                 (or #C#<cat>); condition checks: the subject, the
                                                 website in its organization, customer and unit
73   every unit rule of a product or category    GSI1 PK=T#<t>#PRODUCT#<p>#UNITRULES or             services.catalog.visibility.set/list_*_rules,
                                                 T#<t>#CATEGORY#<cat>#UNITRULES                     catalog.products.delete_product,
                                                                                                    catalog.categories.delete_category
74   a rule's website and group exist            condition check T#<t>#WEBSITE/<w> (organization),  services.catalog.visibility (every change)
                                                 T#<t>#CGROUP/<g>
75   the products a selection names              PK=T#<t>#SELECTION#<sel> (P#<p>); written with     services.catalog.selection_members
                                                 the product's RULES item (70)                      .add/remove/list_products
76   assign a selection to a unit                put / delete T#<t>#CUST#<c>/SEL#<u>#<sel>;         services.catalog.selection_members.assign/unassign_unit
                                                 condition checks: the unit, the selection
76 a a selection's unit assignments and products GSI1 PK=T#<t>#SELECTION#<sel>#UNITS;               services.catalog.selections.delete_selection
     (deleted with it)                           PK=T#<t>#SELECTION#<sel>
77   why visible: everything one product needs   BatchGet product, RULES, website; the company      services.catalog.visibility.explain_product
     for one unit                                partition (17: units, VIS# and SEL# items); the
                                                 category tree (50); the selections (66)
80   the storefront's website (cold only)        GetItem HOST#<host>/HOST; BatchGet T#<t>#WEBSITE/   services.catalog.storefront.shop_for
                                                 <web>, T#<t>#TENANT; GetItem the organization
81   the shop's category tree with rules and     PK=T#<t>#ORG#<org>#CATEGORY; PK=T#<t>#SELECTION    services.catalog.storefront.shop_for
     the tenant's selections (cold only)         (cached per process by catalog_generation)
82   a buyer's unit rules and selections         PK=T#<t>#CUST#<c> (read with pattern 17: VIS#,     services.customers.load_company
                                                 SEL# items)
83   a category's products, by newest, name, SKU PK=T#<t>#CATEGORY#<cat> (descending); GSI1         services.catalog.storefront.category_products
                                                 T#<t>#CATEGORY#<cat>#NAME; GSI2 ...#SKU
84   the RULES items of a page of products       BatchGet T#<t>#PRODUCT#<p>/RULES ...               services.catalog.storefront (every answer)
85   a product for the storefront: product,      PK=T#<t>#PRODUCT#<p> (whole partition); its        services.catalog.storefront.product_detail
     media, rules; its variants                  variants GSI2 T#<t>#PRODUCT#<p>#VARIANTS
86   quick order by SKU                          BatchGet T#<t>#SKU#<sku>/SKU; then the products    services.catalog.storefront.lookup_skus
                                                 and their RULES items (BatchGet)
87   storefront search                           PK=T#<t>#ORG#<org>#SEARCH#<ab>, SK begins_with     services.catalog.storefront.search
                                                 <folded word> (one Query per word, at most 3)
88   count a product in its categories           update T#<t>#ORG#<org>#CATCOUNT/<cat>#<shard>       services.catalog.category_counts.count_writes
                                                 ADD tally :+-1 (no condition), in the product's    (every product write)
                                                 transaction; shard = crc32(product id) mod 4
89   the counts of an organization's categories  PK=T#<t>#ORG#<org>#CATCOUNT (strongly consistent)  services.catalog.storefront.category_tree
90   recount a category's enabled products       PK=T#<t>#CATEGORY#<cat>, Select=COUNT, filter      services.catalog.category_counts.recount
                                                 status, organization_id; BatchWrite the shards     (``kontor catalog recount``, the seed)
91   get / list price lists                      PK=T#<t>#PRICELIST [, SK=<prl_id>]                 services.pricing.price_lists.get/list_price_lists
92   list an organization's price lists          GSI1 PK=T#<t>#ORG#<org>#PRICELISTS                 services.pricing.price_lists.list_price_lists
93   a list still has prices (before a delete)   PK=T#<t>#PRICELIST#<prl>, Limit 1                  services.pricing.price_lists.delete_price_list
94   a list's prices, by product (cursor)        PK=T#<t>#PRICELIST#<prl> [, SK=P#<p>]              services.pricing.prices.list_prices/get_product_prices
95   the products a bulk call names              BatchGet T#<t>#SKU#<sku>/SKU, then                 services.pricing.prices (bulk upsert/delete)
                                                 T#<t>#PRODUCT#<p>/PRODUCT (100 keys a call)
96   the list's current rows of those products   BatchGet T#<t>#PRODUCT#<p>/PRICES projected to     services.pricing.prices (bulk upsert/delete)
                                                 PK, SK, data.lists.<prl> (the sheet's entry)
97   write a product's rows in a list            put/delete T#<t>#PRICELIST#<prl>/P#<p> (cond.:     services.pricing.prices (bulk upsert/delete)
                                                 absent or data.digest as read) + update
                                                 T#<t>#PRODUCT#<p>/PRICES SET/REMOVE data.lists.<prl>
                                                 (or create the sheet); <= 48 products, a check of
                                                 the list and one event per transaction
98   a page's price sheets for a buyer           BatchGet T#<t>#PRODUCT#<p>/PRICES projected to     services.pricing.chains.sheets (storefront
                                                 data.lists.<candidate> (100 keys a call)           pages, SKU lookup, search, prices resolve;
                                                                                                    store_prices.price_lines: a shopping
                                                                                                    list's page of lines, quick order rows)
99   a website's or group's assignment, the      PK=T#<t>#PRICING, SK=WEB#<web> / CGR#<group> /     services.pricing.assignments, exchange_rates
     tenant's exchange rates                     RATES; every one: PK=T#<t>#PRICING (cached per     services.pricing.chains.load_pricing
                                                 warm function while pricing_generation holds)
100  a unit's assignment                         PK=T#<t>#CUST#<c>, SK=PRC#<u> (read with pattern   services.pricing.assignments,
                                                 17 into the customer session)                      customers.load_company
101  every unit assignment of the tenant         GSI1 PK=T#<t>#PRICING#UNITS                        (recalculation, explanation: later)
102  count a pricing change                      PK=T#<t>#TENANT, SK=TENANT, ADD                    services.tenants.count_pricing_change
                                                 data.pricing_generation :1 (no version change)
103  readiness: does the table answer            GetItem HEALTH#READY/HEALTH#READY (never exists)   store.table.probe_table (GET /v1/health/ready)
104  the chain's lists' metadata (cached)        PK=T#<t>#PRICELIST (every list, with pattern 99's  services.pricing.chains.load_pricing
                                                 Query: two on a warm function's miss)
105  explain a unit's price: the product, its    BatchGet T#<t>#PRODUCT#<p>/PRODUCT, /PRICES,       services.pricing.explanations.explain_price
     sheet, the website and the tenant           T#<t>#WEBSITE/<web>, T#<t>#TENANT/TENANT; then
                                                 the organization, pattern 17, 99 and 104 (fresh)
120  save a rule-based list: the tenant's        GetItem T#<t>#TENANT/TENANT, then Query            services.pricing.rule_lists.checked_rules,
     counter, then every list (cycle check);     PK=T#<t>#PRICELIST; the save's transaction ADDs    unread_by_rules (a list's delete)
     the guard (a delete: is a rule based on it) data.pricing_generation :1 IF it is still as read
121  a page of an organization's products        GSI1 PK=T#<t>#ORG#<org>#PRODUCTS, Limit 96,        services.pricing.recalculation.recalculate_page
     (a whole rule list's recalculation)         from the message's cursor
122  the recalculated products and their whole   BatchGet T#<t>#PRODUCT#<p>/PRODUCT, then           services.pricing.recalculation (pricing consumer)
     price sheets (every list's rows)            T#<t>#PRODUCT#<p>/PRICES (100 keys a call); writes
                                                 as pattern 97
140  get / replace the tax configuration         PK=T#<t>#TAX, SK=CONFIG (replace: condition        services.taxes.configuration.get/replace_tax_
                                                 version as read; the first: not exists)            configuration; taxes.calculation.tax_table
141  count a tax change                          PK=T#<t>#TENANT, SK=TENANT, ADD                    services.tenants.count_tax_change
                                                 data.tax_generation :1 (no version change)
142  a website's tax settings                   BatchGet T#<t>#TENANT/TENANT, T#<t>#ORG/<org> (the  services.taxes.calculation.website_taxes_of
                                                 website's); then the rules (140, cached)           (the preview, after the website: 5)
160  a shopping list with all its lines          PK=T#<t>#SLIST#<list> (LIST and <= 20 LINES#       services.shopping_lists (every route on a list)
                                                 chunks: one page)
161  the lists of a company on a website         GSI1 PK=T#<t>#CUST#<c>#SLISTS, SK begins <web>#,   services.shopping_lists.list_shopping_lists
                                                 kept in memory by access.decide
162  a user's list count and default list        PK=T#<t>#CUSER#<user>, SK=SLISTS#<web>             services.shopping_lists (create, delete, default)
163  change a list and its lines                 replace LIST condition version; put/delete the     services.shopping_lists (every change)
                                                 chunks it changes (guarded by the LIST's version)
164  a page of lines' products and RULES items  BatchGet T#<t>#PRODUCT#<p>/PRODUCT and /RULES      services.catalog.storefront.shop_products
     (flags, unit checks)                        (pattern 84); SKUs first by pattern 86
180  take a tenant's next order number, in the   Query PK=T#<t>#ORDERNO (strongly consistent: the   store.order_numbers.commit_numbered
     order's own transaction                     last number); update T#<t>#ORDERNO/COUNTER ADD
                                                 tally :1, condition tally = the number read
181  get / change a website's shipping method    BatchGet T#<t>#WEBSITE/<web> and                   services.checkout_config (shipping methods)
     (with its website, for the grant's reach)   T#<t>#WEBSITE#<web>#CHECKOUT/SHIP#<shp>; writes
                                                 condition-check the website in their transaction
182  list a website's shipping methods           PK=T#<t>#WEBSITE#<web>#CHECKOUT, SK begins SHIP#   services.checkout_config.list_shipping_methods
183  a website's order limits                    BatchGet T#<t>#WEBSITE/<web> and                   services.checkout_config.get/set_website_limits
                                                 ...#CHECKOUT/LIMITS; put conditional on version
184  checkout: a website's methods and limits    PK=T#<t>#WEBSITE#<web>#CHECKOUT (one Query)        services.checkout_config.shipping_options_for
185  a unit's own order limits                   BatchGet T#<t>#CUST#<c>/UNIT#<u> and /LIM#<u>;     services.checkout_config.get/set_unit_limits,
                                                 checkout: read with pattern 17 (the company)       limit_breach_for
186  get / list payment terms; one default       PK=T#<t>#PAYTERM [, SK=<code>]; a new default      services.checkout_config (payment terms),
                                                 rewrites the old one at its version in the same    payment_term_for
                                                 transaction
190  place an order: its header and line pages    create T#<t>#ORDER#<ord>/ORDER and /LINES#<nnn>    services.orders.records.add_order (in placing's
                                                 in the placing transaction (pattern 180)           transaction)
191  an order with all its lines                 PK=T#<t>#ORDER#<ord> (header and <= 20 pages)      services.orders.records.load_order
                                                 (also the dispatcher, for a placed order's lines    services.erp.export (the ERP export)
                                                 on the erp-export queue)
192  change an order's status                    replace T#<t>#ORDER#<ord>/ORDER condition version  services.orders.records.replace_header
193  a company's orders, newest first            GSI1 PK=T#<t>#CUST#<c>#ORDERS (unit scopes kept    services.orders (store lists, sales reps)
                                                 in memory by access.decide)
194  an organization's / the tenant's orders     GSI2 PK=T#<t>#ORG#<org>#ORDERS; GSI3               services.orders (admin lists)
                                                 PK=T#<t>#ORDERS
195  make a checkout: its header and line        create T#<t>#CHECKOUT#<chk>/CHECKOUT and           services.orders.checkout.create_checkout
     chunks                                      /LINES#<nn> (<= 20 chunks) in one transaction
196  a checkout with all its lines               PK=T#<t>#CHECKOUT#<chk> (header and <= 20 chunks:  services.orders.checkout (every route)
                                                 one page)
197  change a checkout's choices, review it      replace T#<t>#CHECKOUT#<chk>/CHECKOUT condition    services.orders.checkout.update_checkout
                                                 version (the review rewrites the chunks too)
198  close a checkout as ordered                 update T#<t>#CHECKOUT#<chk>/CHECKOUT condition     services.orders.placing.place_order (in the
                                                 version as read and status open                    transaction of pattern 190)
199  placing's guards: the buyer's unit path     condition checks T#<t>#CUST#<c>/TREE and each      services.orders.placing.place_order
     and the buyer, as read                      UNIT#<u> of the path at the version read,
                                                 T#<t>#CUSER/<email> at its version; BatchGet
                                                 T#<t>#CUST#<c>/LIM#<u> of the path (limits)
200  get / list / revoke integration keys       PK=T#<t>#INTEGRATION [, SK=<int_id>]; revoke:      services.integrations
                                                 replace at the version read
201  authenticate an integration key             BatchGet T#<t>#INTEGRATION/<int_id> (the tenant    services.integrations.load_integration
                                                 and key id come from the key) and T#<t>#TENANT;
                                                 last_used_at: SET once the request is answered,   services.integrations.record_use
                                                 at most once a minute per key
202  the messages of an ingest already known     BatchGet T#<t>#ERPMSG#<id>/IMPORT (100 a call);    services.erp.ingest.ingest
                                                 new ones: BatchWrite their records (accepted)
203  one message's fate (the ERP, the worker)    PK=T#<t>#ERPMSG#<id>, SK=IMPORT                    services.erp.imports.get_import, erp.apply
204  a tenant's imports, newest first            GSI1 PK=T#<t>#ERPIMPORTS (filter type),            services.erp.imports.list_imports
                                                 SK BETWEEN received_from and received_until
                                                 (the same on GSI2 for 205)
205  a tenant's imports of one status            GSI2 PK=T#<t>#ERPIMPORTS#<status>                  services.erp.imports.list_imports (status)
206  the ordering guard of an ERP entity         GetItem T#<t>#ERPSEQ#<entity>/SEQ; then, in the    services.erp.apply
                                                 change's own transaction, update it with
                                                 condition absent or data.source_seq < the new one
                                                 (prices: in the first transaction of changed
                                                 rows; a part of the update it names: no write)
207  a record the ERP names by its code          GetItem T#<t>#ERPREF#<kind>/<code>; created in     services.erp.apply (price lists,
                                                 the record's create transaction (cond. absent)     categories)
210  a store list of orders, newest first        GSI1 PK=T#<t>#CUST#<c>#ORDERS, SK BETWEEN the      services.orders.orders.list_store_orders
                                                 window's order ids (ULIDs) and below the
                                                 cursor's id; kept by access.decide(orders.view)
211  a staff list of orders, newest first        GSI3 (a grant without limits), GSI2 per            services.orders.orders.list_staff_orders
                                                 organization or GSI1 per assigned customer,
                                                 each as 210, merged by order id
212  an order's transition                       191, then 192 with the transition's event          services.orders.transitions
                                                 (and order.export_requested on confirmed)
213  the workflow worker on order.placed         GetItem T#<t>#ORDER#<ord>/ORDER and the tenant     services.orders.transitions.advance_placed
                                                 (its order_checks), then 192
214  placing: what an order needs besides its   BatchGet (100 keys a call, the products first)     services.orders.placing (_read)
     checkout and its prices                     T#<t>#PRODUCT#<p>/PRODUCT and /RULES (164), the
                                                 tenant and organization (142), ORDERNO/COUNTER
                                                 (180's read), ...#CHECKOUT/LIMITS and SHIP#<the
                                                 chosen method>, CUST#<c>/LIM#<each unit of the
                                                 path> (185), PAYTERM/<named and accepted codes>
215  the ERP moves an order to its status        GetItem T#<t>#ERPREF#order/<ref> (207) and         services.erp.apply, orders.transitions.erp_reached
                                                 T#<t>#ORDER#<ord>/ORDER; then 212 per transition
                                                 (the mark, reference and shipment with the last)
216  the ERP issues or changes an invoice        GetItem T#<t>#ERPREF#invoice/<no> (207), the       services.erp.apply, orders.invoices.upsert_invoice
                                                 order (215), T#<t>#ORDER#<ord>/INVOICE#<no>; then
                                                 create or replace it at its version with the mark
217  an order's invoices                         191: the order's Query reads INVOICE#<no> items    services.orders.records.load_order
                                                 too (kept for a buyer by invoices.view)
===  ==========================================  =================================================  =============================================

A tenant's tax configuration (codes, jurisdictions, rates, rules: hundreds of rules at most, capped
well below the item limit) is one item (140), replaced whole conditional on its version in the same
transaction that counts the tenant's ``tax_generation`` (141). A warm function keeps the configuration
built into a rule table per tenant while that counter, which the principal's BatchGetItem reads anyway
(a customer session carries it), is unchanged: a checkout's taxes cost no round trip of their own.

A product's media items share the product's partition (``MEDIA#`` sorts before ``PRODUCT``), so
pattern 60 reads them with one ``begins_with`` Query after the product's GetItem; their
files are S3 objects under ``tenants/<t>/products/<prd>/<med>/`` (``domain.catalog.media``), so an IAM
policy on that prefix fences a tenant as ``dynamodb:LeadingKeys`` does for items.

Pattern 9's record is written with the create it answers, on condition that none exists or the one
there is past its ``expires_at`` (TTL deletes lazily): an expired key counts as absent and is replaced.

A website names hostnames freely; each is *pending* (in the website's ``hostnames`` only) until the
tenant publishes the DNS TXT challenge holding its ``domain_verification_token`` (on the tenant item)
and verifies it: then the ``host`` routing item is created (pattern 8, conditional on absence, in the
website's transaction, which also adds the hostname to its ``verified_hostnames``). Only verified
hostnames have a ``host`` item, so pending ones block nobody and serve nothing; naming a hostname
another website already serves is refused by a condition check on its ``host`` item (30). A tenant's
``status`` lives on its item, which the principal's BatchGetItem (3) and the public host lookup (7,
then the website and the tenant with its organization) read anyway: a suspension costs no round trip.

Pattern 6 filters the tenant's website partition instead of keeping a GSI: a tenant has tens of
websites, and the strongly consistent read is what the organization delete guard needs.
Audit filters combine by querying the most selective index (entity, then actor, then type) and
filtering on the others.

A customer is the root unit of its company tree (the root's id is the customer id, ``cus_``; other
units are ``unt_``), and all units of a customer share one partition with each unit's ``parent_id``
and no stored path: pattern 17 reads the units and the ``TREE`` item in one Query (every page), and
``domain.access.CompanyTree`` answers each "is X under Y" in memory. Every structure change (create,
move, delete a unit) writes the ``TREE`` item conditional on the version read with the tree, so
concurrent moves cannot make a cycle: the one that lost answers 409. Only roots carry GSI1 (the
customer list); only units with a customer group carry GSI2 (pattern 21, eventually consistent: a
group deleted in the same instant a unit takes it can leave a dangling reference, which readers
show as it is).

An organization's categories share one partition with its ``TREE`` item (patterns 50-52), laid out
like a company tree: each category names its ``parent_id`` (None: a root category, which websites may
offer in their ``category_root_ids``) and its ``position`` among its siblings, and
``domain.catalog.categories`` checks moves and sibling slugs in memory. The tree's structure (parents
and slugs) changes only with the ``TREE`` item's version: creating, moving, re-slugging and deleting a
category, and a website starting to offer a root category (after pattern 54), write it conditional on
the version read, so concurrent moves cannot close a cycle, siblings cannot share a slug and no
offered root is deleted or moved meanwhile. An organization holds at most 2,000 categories. A
category's products are ``category_product`` items in ``T#<t>#CATEGORY#<cat_id>`` (written with the
products); one item there keeps the category from being deleted (53). Every change of a category or
of a website's catalog settings adds one to the tenant item's ``catalog_generation`` (55) with an
update, not a rewrite: the tenant's ``version`` stays, and a rewrite of the tenant item (its settings,
a suspension) is conditional on the counter it read, so it never undoes an increment.

Staff users are keyed by email like customer users (pattern 3), with an id item beside them (26). The
tenant's own staff roles are one item (at most 100 roles), so the principal's BatchGetItem reads them
too and a staff user's access costs no round trip of its own; every role change rewrites that item
conditional on its version (28). A unit naming sales reps has one ``REP#`` item per rep in its
customer's partition (written in the unit's transaction, with a condition check that the staff user
exists); GSI1 on those items lists a rep's customers (27), which a principal whose grants are limited
to assigned customers reads: one Query, the only round trip a staff principal adds. A staff or
customer user's first sign-in binds the account (issuer and subject, in its data) with one write
conditional on the version pattern 3 read; later sign-ins only compare.

Selections are few per tenant (tens), so one partition holds them all and pattern 66 filters it, as
pattern 6 does websites. A selection's categories and groups are checked by condition checks in its
transaction (only those a change adds); products name their selections and units are assigned theirs
from the other side (the product's ``RULES`` item, the company partition). Every catalog write
advances the tenant item's ``catalog_generation`` (69), which the principal's BatchGetItem reads
anyway: a warm function's cached selections and category tree are valid while it is unchanged. The
update also advances the tenant item's version, so a tenant change made from an earlier read fails
(412) rather than writing an old generation back.

Visibility rules write only the rule that changed. A product's website- and group-level rules and the
selections naming it are its ``RULES`` item (70), which a storefront page reads with one BatchGetItem
of the page's products; a category's are the ``websites`` field of its item, updated in place (71:
its version stays, so a client's ``If-Match`` still holds, while ``rules_revision`` counts the changes
and a category rewrite is conditional on the revision it read, so it never undoes one) together with
the catalog generation (55), since warm functions cache the tree. A unit's own rule of a product or
category and a selection's assignment to a unit are items of the company partition (72, 76), which
the customer user's principal reads anyway (17): an exception for one customer costs no round trip
and touches nobody else's data; GSI1 on the rule items lists every unit rule of a product or
category for the admin (73). A deleted product, category or selection takes what names it and exists for it only (the product's
``RULES`` item, every unit rule of the product or category, found through GSI1, and the selection's
product list and unit assignments, found through the selection's partition and GSI1): in its own
transaction as far as it has room (at most 100 items, the entity's own writes first), the rest with
BatchWriteItem right after it commits. Nothing can add such an item once the entity is gone (every
rule, membership and assignment write checks its subject, product and selection in its transaction),
so none can come after the delete; one written in the instant before it can be missed by GSI1 (an
eventually consistent index), and a crash between the two steps leaves the rest: such items name
nothing, and no reader shows them.
A deleted selection's id stays in its products' ``RULES`` items, where nothing matches it any more.
A selection's products are named from both sides in one transaction:
the product's ``RULES`` item (what the storefront reads) and ``P#<p>`` in the selection's own
partition (75, what the admin lists).

The storefront (patterns 80-87) reads a website's catalog as a ``Shop`` kept per warm function and
hostname (bounded), built at the tenant's ``catalog_generation``: a signed-in request's principal
reads that counter anyway, so the shop is re-read only when the catalog changed (or after 5 minutes,
for changes that do not count, such as a website switched off); guests' shops live 30 seconds. A
unit's own rules (``VIS#``) and selection assignments (``SEL#``) lie in its company's partition, so
the principal's company Query (17) brings them. A category page is thus the principal's two round
trips, the category's Query (83) and one BatchGetItem of the page's ``RULES`` items (84).

Customer users are keyed by the email their tokens carry, so pattern 3 finds staff and customer users
in one BatchGetItem; a customer user's principal adds pattern 17 (the company tree): two round trips
in all. The id item (pattern 22) is written in the user's transaction so routes address users by id
with strongly consistent reads. Pattern 23 lists a company's users; the storefront keeps those its
``users.view`` grants reach (filtered in memory with the tree, since reach is a set of subtrees).
The storefront's company routes reuse what pattern 17 read for the principal (units, roles and the
structure version ride in the session), so they add only their writes, user reads (pattern 22) and,
for a role's grants changed or the role deleted, every user of the company (pattern 23, all pages):
who holds the role, and where.

Attributes are keyed by code in one partition (40): a product write reads the definitions of the
codes it uses in the same BatchGetItem as its organization (and a variant's parent). A definition
changes only additively (code and kind fixed, options never removed), and each product using an
attribute holds an ``attribute_usage`` item (written with the product, diffed on change), so an
attribute is deleted only when none is left (41: a Query of one item). A product write checks the
definitions it read without a condition on them (a condition check per attribute would make every
definition a hot item under bulk loads): only an attribute deleted between that read and the commit
can be left with a user, which the next write of that product refuses (422, unknown attribute).

A product's transaction holds the product, its ``sku`` item (46; a SKU change deletes the old one,
conditional on naming the product, and creates the new one), a condition check on each of its
categories (48: a category of another organization or none is 422), a ``category_product`` listing
item per category carrying the product's summary (rewritten on every change, deleted when the
product leaves the category), its ``search_token`` items (49: the folded SKU and name words; old ones
no longer produced deleted), its attribute usages and its outbox event. For a variant: a condition
check that the parent is a product of the same organization and a ``variant_combination`` item in the
parent's partition (47). The caps that keep it within 100 items are in
``chalicelib.domain.catalog.products``. Only variants carry GSI2 (45: the parent's GET lists them).

The same transaction counts the product in its categories (88): each category of an enabled product
has a count spread over 4 ``category_count`` shard items, the product's id choosing the shard, changed
by ADD without a condition, so concurrent writes of products in one category add up instead of failing
on a version, and collide (a transaction conflict: 503 with Retry-After) only when two of them touch the same
shard in the same instant. Four shards keep such collisions to a quarter of what one counter item gives
under a bulk load, while the tree's read of all counts (89: one Query of the organization's partition,
at most 4 small items per category, 8,000 at the 2,000-category cap) stays one round trip in practice.
A deleted category takes its shards with it (and its units' rules, 73); ``kontor catalog recount`` rewrites them from the listing
items (90) for data written before counts existed, or drifted.
What checkout reads of a website (its shipping methods and its order limits) lies in a partition of
its own, ``T#<t>#WEBSITE#<web>#CHECKOUT``, so a checkout reads it with one Query (184) and the admin
reads one item with its website in one BatchGetItem (181, 183). A unit's own order limits are a
``LIM#<unit>`` item of its company's partition, which the customer user's principal reads anyway
(185). A tenant's payment terms are few (at most 50) and one partition (186); units name theirs by
code in ``payment_term``. A tenant's order numbers are one counter item whose ``tally`` each placed
order's transaction advances by one, on condition that it is still the number read (180): gapless,
each number taken once, retried with the next one when another placement took it
(``store.order_numbers``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import NamedTuple

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


def staff_user_id(tenant_id: str, staff_id: str) -> Key:
    """The pointer from a staff user's id to their email (written with the user)."""
    return Key(f"T#{tenant_id}#STAFF#{staff_id}", "ID")


def staff_roles(tenant_id: str) -> Key:
    """The tenant's own staff roles, all in one item: read with the principal in the same BatchGetItem."""
    return Key(f"T#{tenant_id}#STAFFROLES", "ROLES")


def sales_rep_assignment(tenant_id: str, customer_id: str, staff_id: str, unit_id: str) -> Key:
    """One unit naming a staff user as its sales representative (in the customer's partition)."""
    return Key(customer_partition(tenant_id, customer_id), f"REP#{staff_id}#{unit_id}")


def customers_of_sales_rep(tenant_id: str, staff_id: str) -> str:
    return f"T#{tenant_id}#STAFF#{staff_id}#CUSTOMERS"


def organization_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#ORG"


def organization(tenant_id: str, organization_id: str) -> Key:
    return Key(organization_collection(tenant_id), organization_id)


def website_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#WEBSITE"


def website(tenant_id: str, website_id: str) -> Key:
    return Key(website_collection(tenant_id), website_id)


def customer_partition(tenant_id: str, customer_id: str) -> str:
    """The partition of one customer's company tree: its units and its ``TREE`` item."""
    return f"T#{tenant_id}#CUST#{customer_id}"


def customer_unit(tenant_id: str, customer_id: str, unit_id: str) -> Key:
    return Key(customer_partition(tenant_id, customer_id), f"UNIT#{unit_id}")


def customer_role(tenant_id: str, customer_id: str, role_id: str) -> Key:
    """A company's own role, in the company's partition: it loads with the tree."""
    return Key(customer_partition(tenant_id, customer_id), f"ROLE#{role_id}")


def customer_tree(tenant_id: str, customer_id: str) -> Key:
    return Key(customer_partition(tenant_id, customer_id), "TREE")


def customers_index(tenant_id: str) -> str:
    return f"T#{tenant_id}#CUSTOMER"


def customer_group_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#CGROUP"


def customer_group(tenant_id: str, group_id: str) -> Key:
    return Key(customer_group_collection(tenant_id), group_id)


def units_of_group(tenant_id: str, group_id: str) -> str:
    return f"T#{tenant_id}#CGROUP#{group_id}"


def category_partition(tenant_id: str, organization_id: str) -> str:
    """The partition of one organization's category tree: its categories and its ``TREE`` item."""
    return f"T#{tenant_id}#ORG#{organization_id}#CATEGORY"


def category(tenant_id: str, organization_id: str, category_id: str) -> Key:
    return Key(category_partition(tenant_id, organization_id), category_id)


CATEGORY_TREE = "TREE"  # sorts before every category id (cat_...)


def category_tree(tenant_id: str, organization_id: str) -> Key:
    return Key(category_partition(tenant_id, organization_id), CATEGORY_TREE)


def category_products(tenant_id: str, category_id: str) -> str:
    """The partition of a category's product listing items (``category_product``, written with products)."""
    return f"T#{tenant_id}#CATEGORY#{category_id}"


CATEGORY_COUNT_SHARDS = 4


def category_counts(tenant_id: str, organization_id: str) -> str:
    """The partition of an organization's product counts per category (one Query reads them all)."""
    return f"T#{tenant_id}#ORG#{organization_id}#CATCOUNT"


def category_count(tenant_id: str, organization_id: str, category_id: str, shard: int) -> Key:
    """One shard of the count of an organization's enabled products placed in a category."""
    return Key(category_counts(tenant_id, organization_id), f"{category_id}#{shard}")


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


def customer_user_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#CUSER"


def customer_user(tenant_id: str, email: str) -> Key:
    """A customer user, keyed by the email their tokens carry: principal loading is one read."""
    return Key(customer_user_collection(tenant_id), email.lower())


def customer_user_id(tenant_id: str, user_id: str) -> Key:
    """The pointer from a customer user's id to their email (written with the user)."""
    return Key(f"T#{tenant_id}#CUSER#{user_id}", "ID")


def customer_users_index(tenant_id: str, customer_id: str) -> str:
    return f"T#{tenant_id}#CUST#{customer_id}#USER"


def customer_user_in_company(tenant_id: str, customer_id: str, unit_id: str, email: str = "") -> Key:
    """A user's GSI1 entry in their company's user index: by home unit, then email.

    Without an email, its sort key is the prefix of every user of that unit.
    """
    return Key(customer_users_index(tenant_id, customer_id), f"{unit_id}#{email.lower()}")


def attribute_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#ATTRIBUTE"


def attribute(tenant_id: str, code: str) -> Key:
    return Key(attribute_collection(tenant_id), code)


def attribute_users(tenant_id: str, code: str) -> str:
    """The partition of the products using an attribute (one ``attribute_usage`` item each)."""
    return f"T#{tenant_id}#ATTRUSE#{code}"


def attribute_usage(tenant_id: str, code: str, product_id: str) -> Key:
    return Key(attribute_users(tenant_id, code), product_id)


def product_partition(tenant_id: str, product_id: str) -> str:
    """A product's partition: its ``PRODUCT`` item, its media and its ``RULES`` item."""
    return f"T#{tenant_id}#PRODUCT#{product_id}"


def product(tenant_id: str, product_id: str) -> Key:
    return Key(product_partition(tenant_id, product_id), "PRODUCT")


MEDIA_PREFIX = "MEDIA#"


def product_media(tenant_id: str, product_id: str, media_id: str) -> Key:
    return Key(product_partition(tenant_id, product_id), f"{MEDIA_PREFIX}{media_id}")


def selection_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#SELECTION"


def selection(tenant_id: str, selection_id: str) -> Key:
    return Key(selection_collection(tenant_id), selection_id)


PRODUCT_RULES = "RULES"  # a product's website and group rules and its selections (sorts after PRODUCT)


def product_rules(tenant_id: str, product_id: str) -> Key:
    """A product's website- and group-level visibility rules and its selections (one item)."""
    return Key(product_partition(tenant_id, product_id), PRODUCT_RULES)


UNIT_RULE_PREFIX = "VIS#"
SELECTION_ASSIGNMENT_PREFIX = "SEL#"


def unit_rule(
    tenant_id: str, customer_id: str, unit_id: str, website_id: str, subject: str, subject_id: str
) -> Key:
    """A unit's own visibility rule of a product (``subject`` P) or category (C) on a website, in its
    company's partition."""
    sort_key = f"{UNIT_RULE_PREFIX}{unit_id}#{website_id}#{subject}#{subject_id}"
    return Key(customer_partition(tenant_id, customer_id), sort_key)


def unit_rules_of(tenant_id: str, subject: str, subject_id: str) -> str:
    """GSI1 partition of every unit rule of a product (P) or category (C) (sort key ``<c>#<unit>#<web>``)."""
    owner = (
        product_partition(tenant_id, subject_id)
        if subject == "P"
        else category_products(tenant_id, subject_id)
    )
    return f"{owner}#UNITRULES"


def selection_products(tenant_id: str, selection_id: str) -> str:
    """The partition listing the products a selection names directly (``P#<prd>``)."""
    return f"{selection_collection(tenant_id)}#{selection_id}"


def selection_product(tenant_id: str, selection_id: str, product_id: str) -> Key:
    return Key(selection_products(tenant_id, selection_id), f"P#{product_id}")


def units_of_selection(tenant_id: str, selection_id: str) -> str:
    """GSI1 partition of a selection's unit assignments (sort key ``<c>#<unit>``): what its delete takes."""
    return f"{selection_products(tenant_id, selection_id)}#UNITS"


def selection_assignment(tenant_id: str, customer_id: str, unit_id: str, selection_id: str) -> Key:
    """A selection assigned to a unit, in the unit's company partition (``SEL#<unit>#<sel>``)."""
    return Key(
        customer_partition(tenant_id, customer_id), f"{SELECTION_ASSIGNMENT_PREFIX}{unit_id}#{selection_id}"
    )


def products_index(tenant_id: str) -> str:
    return f"T#{tenant_id}#PRODUCTS"


def products_of_organization(tenant_id: str, organization_id: str) -> str:
    return f"T#{tenant_id}#ORG#{organization_id}#PRODUCTS"


def variants_of(tenant_id: str, parent_id: str) -> str:
    return f"T#{tenant_id}#PRODUCT#{parent_id}#VARIANTS"


def variant_combination(tenant_id: str, parent_id: str, values: str) -> Key:
    """One variant's values of its family's variant attributes (``size=m#colour=red``), in the parent's
    partition: created on condition that none exists, so each combination is one variant's."""
    return Key(product_partition(tenant_id, parent_id), f"COMBO#{values}")


def sku(tenant_id: str, sku_code: str) -> Key:
    return Key(f"T#{tenant_id}#SKU#{sku_code.casefold()}", "SKU")


def category_product(tenant_id: str, category_id: str, product_id: str) -> Key:
    return Key(category_products(tenant_id, category_id), f"P#{product_id}")


def category_products_by_name(tenant_id: str, category_id: str) -> str:
    return f"T#{tenant_id}#CATEGORY#{category_id}#NAME"


def category_products_by_sku(tenant_id: str, category_id: str) -> str:
    return f"T#{tenant_id}#CATEGORY#{category_id}#SKU"


def search_token(tenant_id: str, organization_id: str, token: str, product_id: str) -> Key:
    """A product found by ``token`` (at least 2 characters): the partition holds every token of the
    organization starting with the same two, so a prefix search is one Query with begins_with."""
    return Key(f"T#{tenant_id}#ORG#{organization_id}#SEARCH#{token[:2]}", f"{token}#{product_id}")


def search_partition(tenant_id: str, organization_id: str, prefix: str) -> str:
    """The search tokens of an organization that start with the two characters ``prefix`` starts with."""
    return search_token(tenant_id, organization_id, prefix, "").pk


def price_list_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#PRICELIST"


def price_list(tenant_id: str, price_list_id: str) -> Key:
    return Key(price_list_collection(tenant_id), price_list_id)


def price_lists_of_organization(tenant_id: str, organization_id: str) -> str:
    return f"T#{tenant_id}#ORG#{organization_id}#PRICELISTS"


PRICE_PRODUCT_PREFIX = "P#"


def price_list_prices(tenant_id: str, price_list_id: str) -> str:
    """The partition of a list's prices: one ``price_list_product`` item per product it prices."""
    return f"{price_list_collection(tenant_id)}#{price_list_id}"


def price_list_product(tenant_id: str, price_list_id: str, product_id: str) -> Key:
    return Key(price_list_prices(tenant_id, price_list_id), f"{PRICE_PRODUCT_PREFIX}{product_id}")


PRICE_SHEET = "PRICES"  # sorts between MEDIA# and PRODUCT: the product's detail Query reads it too


def price_sheet(tenant_id: str, product_id: str) -> Key:
    """Every list's rows of one product, by list id (``data.lists.<prl>``): a storefront page reads the
    sheets of its products in one BatchGetItem, projected to the caller's candidate lists."""
    return Key(product_partition(tenant_id, product_id), PRICE_SHEET)


def pricing_collection(tenant_id: str) -> str:
    """The website and customer group assignments of price lists (read whole, cached per process)."""
    return f"T#{tenant_id}#PRICING"


def website_price_lists(tenant_id: str, website_id: str) -> Key:
    return Key(pricing_collection(tenant_id), f"WEB#{website_id}")


def group_price_lists(tenant_id: str, group_id: str) -> Key:
    return Key(pricing_collection(tenant_id), f"CGR#{group_id}")


def exchange_rates(tenant_id: str) -> Key:
    """The tenant's exchange rates, one item beside the assignments it is cached with."""
    return Key(pricing_collection(tenant_id), "RATES")


UNIT_PRICE_LISTS_PREFIX = "PRC#"


def unit_price_lists(tenant_id: str, customer_id: str, unit_id: str) -> Key:
    """A unit's own price lists, in its company's partition (read with the tree)."""
    return Key(customer_partition(tenant_id, customer_id), f"{UNIT_PRICE_LISTS_PREFIX}{unit_id}")


def unit_price_lists_index(tenant_id: str) -> str:
    """GSI1 partition of every unit's price-list assignment of the tenant (sort key ``<c>#<unit>``)."""
    return f"{pricing_collection(tenant_id)}#UNITS"


def tax_configuration(tenant_id: str) -> Key:
    """The tenant's whole tax configuration (codes, jurisdictions, rates, rules): one item, one read."""
    return Key(f"T#{tenant_id}#TAX", "CONFIG")


class UnitVisibilityKey(NamedTuple):
    """The parts of a unit rule's sort key (``VIS#<unit>#<web>#<P|C>#<id>``)."""

    unit_id: str
    website_id: str
    subject_id: str

    @classmethod
    def of(cls, sort_key: str) -> UnitVisibilityKey:
        _, unit_id, website_id, _, subject_id = sort_key.split("#")
        return cls(unit_id, website_id, subject_id)


class UnitSelectionKey(NamedTuple):
    """The parts of a selection assignment's sort key (``SEL#<unit>#<sel>``)."""

    unit_id: str
    selection_id: str

    @classmethod
    def of(cls, sort_key: str) -> UnitSelectionKey:
        _, unit_id, selection_id = sort_key.split("#")
        return cls(unit_id, selection_id)


class CategoryCountShard(NamedTuple):
    """The parts of a category count shard's sort key (``<cat_id>#<shard>``)."""

    category_id: str
    shard: int

    @classmethod
    def of(cls, sort_key: str) -> CategoryCountShard:
        category_id, shard = sort_key.rsplit("#", 1)
        return cls(category_id, int(shard))

    @staticmethod
    def of_product(product_id: str) -> int:
        """The shard a product's placements add to, the same for all its categories and all its writes."""
        return zlib.crc32(product_id.encode()) % CATEGORY_COUNT_SHARDS


def shopping_list_partition(tenant_id: str, list_id: str) -> str:
    """A shopping list's partition: its ``LIST`` header and its ``LINES#`` chunks (one Query reads all)."""
    return f"T#{tenant_id}#SLIST#{list_id}"


SHOPPING_LIST = "LIST"
SHOPPING_LIST_CHUNK_PREFIX = "LINES#"


def shopping_list(tenant_id: str, list_id: str) -> Key:
    return Key(shopping_list_partition(tenant_id, list_id), SHOPPING_LIST)


def shopping_list_chunk(tenant_id: str, list_id: str, chunk: int) -> Key:
    """One chunk of a list's lines (``LINES#00``..``LINES#19``, sorted before ``LIST``)."""
    return Key(shopping_list_partition(tenant_id, list_id), f"{SHOPPING_LIST_CHUNK_PREFIX}{chunk:02d}")


def shopping_lists_of_company(tenant_id: str, customer_id: str) -> str:
    """GSI1 partition of a company's shopping lists (sort key ``<web>#<list>``)."""
    return f"{customer_partition(tenant_id, customer_id)}#SLISTS"


def shopping_list_owner(tenant_id: str, user_id: str, website_id: str) -> Key:
    """A user's list count and default list on one website, beside their id pointer."""
    return Key(f"T#{tenant_id}#CUSER#{user_id}", f"SLISTS#{website_id}")


def order_counter(tenant_id: str) -> Key:
    """The tenant's last order number (its ``tally``), advanced by each order's own transaction."""
    return Key(f"T#{tenant_id}#ORDERNO", "COUNTER")


def website_checkout(tenant_id: str, website_id: str) -> str:
    """The partition of a website's checkout configuration: its shipping methods and order limits
    (one Query reads what a checkout needs of its website)."""
    return f"T#{tenant_id}#WEBSITE#{website_id}#CHECKOUT"


SHIPPING_METHOD_PREFIX = "SHIP#"


def shipping_method(tenant_id: str, website_id: str, method_id: str) -> Key:
    return Key(website_checkout(tenant_id, website_id), f"{SHIPPING_METHOD_PREFIX}{method_id}")


def website_order_limits(tenant_id: str, website_id: str) -> Key:
    return Key(website_checkout(tenant_id, website_id), "LIMITS")


UNIT_ORDER_LIMITS_PREFIX = "LIM#"


def unit_order_limits(tenant_id: str, customer_id: str, unit_id: str) -> Key:
    """A unit's own order limits, in its company's partition (read with the tree)."""
    return Key(customer_partition(tenant_id, customer_id), f"{UNIT_ORDER_LIMITS_PREFIX}{unit_id}")


def payment_term_collection(tenant_id: str) -> str:
    return f"T#{tenant_id}#PAYTERM"


def payment_term(tenant_id: str, code: str) -> Key:
    return Key(payment_term_collection(tenant_id), code)


def order_partition(tenant_id: str, order_id: str) -> str:
    """An order's partition: its ``ORDER`` header and its ``LINES#`` pages (one Query reads the order)."""
    return f"T#{tenant_id}#ORDER#{order_id}"


ORDER = "ORDER"
ORDER_LINES_PREFIX = "LINES#"


def order(tenant_id: str, order_id: str) -> Key:
    return Key(order_partition(tenant_id, order_id), ORDER)


def order_lines(tenant_id: str, order_id: str, page: int) -> Key:
    """One page of an order's lines (``LINES#000``..., sorted before ``ORDER``)."""
    return Key(order_partition(tenant_id, order_id), f"{ORDER_LINES_PREFIX}{page:03d}")


ORDER_INVOICE_PREFIX = "INVOICE#"


def order_invoice(tenant_id: str, order_id: str, code: str) -> Key:
    """An invoice of the order by its number, ``code`` (``INVOICE#...``: read by the order's own Query)."""
    return Key(order_partition(tenant_id, order_id), f"{ORDER_INVOICE_PREFIX}{code}")


def orders_of_company(tenant_id: str, customer_id: str) -> str:
    """GSI1 partition of a company's orders (sort key ``<ord>``: by time placed)."""
    return f"{customer_partition(tenant_id, customer_id)}#ORDERS"


def orders_of_organization(tenant_id: str, organization_id: str) -> str:
    """GSI2 partition of an organization's orders (sort key ``<ord>``)."""
    return f"T#{tenant_id}#ORG#{organization_id}#ORDERS"


def orders_of_tenant(tenant_id: str) -> str:
    """GSI3 partition of all of a tenant's orders (sort key ``<ord>``)."""
    return f"T#{tenant_id}#ORDERS"


def integration_key_collection(tenant_id: str) -> str:
    """A tenant's integration keys (tens at most): one partition, listed whole."""
    return f"T#{tenant_id}#INTEGRATION"


def integration_key(tenant_id: str, key_id: str) -> Key:
    return Key(integration_key_collection(tenant_id), key_id)


def erp_import(tenant_id: str, message_id: str) -> Key:
    """One ERP message's fate, by the ERP's own message id (unique per tenant)."""
    return Key(f"T#{tenant_id}#ERPMSG#{message_id}", "IMPORT")


def erp_imports_index(tenant_id: str, status: str | None = None) -> str:
    """The tenant's imports by time received (GSI1), or those of one status (GSI2)."""
    return f"T#{tenant_id}#ERPIMPORTS" + (f"#{status}" if status else "")


def erp_sequence(tenant_id: str, entity: str) -> Key:
    """The newest ``source_seq`` applied to one entity (``product:<sku>``, ``prices:<list code>``...)."""
    return Key(f"T#{tenant_id}#ERPSEQ#{entity}", "SEQ")


def erp_reference(tenant_id: str, kind: str, code: str) -> Key:
    """The Kontor id of a record the ERP names by its own code (a price list)."""
    return Key(f"T#{tenant_id}#ERPREF#{kind}", code)


def checkout_partition(tenant_id: str, checkout_id: str) -> str:
    """A checkout's partition: its ``CHECKOUT`` header and its ``LINES#`` chunks (one Query reads all)."""
    return f"T#{tenant_id}#CHECKOUT#{checkout_id}"


CHECKOUT = "CHECKOUT"
CHECKOUT_LINES_PREFIX = "LINES#"


def checkout(tenant_id: str, checkout_id: str) -> Key:
    return Key(checkout_partition(tenant_id, checkout_id), CHECKOUT)


def checkout_lines(tenant_id: str, checkout_id: str, chunk: int) -> Key:
    """One chunk of a checkout's lines (``LINES#00``..``LINES#19``, sorted before ``CHECKOUT``)."""
    return Key(checkout_partition(tenant_id, checkout_id), f"{CHECKOUT_LINES_PREFIX}{chunk:02d}")
