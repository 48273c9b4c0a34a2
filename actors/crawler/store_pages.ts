/**
 * Realistic product pages of three store layouts, for tests: the shop's Magento theme, a
 * theme with microdata and its own heading class, and a script-rendered shell whose only name
 * is in JSON-LD. Names are localized like the real stores'.
 */

/** A product as a page shows it. */
export interface PageProduct {
  readonly name: string;
  readonly price: string;
  readonly currency: string;
}

const head = (title: string, extra = "") =>
  `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${title} | GLAMIRA</title>
<meta name="viewport" content="width=device-width, initial-scale=1">${extra}</head>`;

/** The shop's Magento Luma theme: `h1.page-title > span.base`, JSON-LD Product with an Offer. */
export function magentoPage(p: PageProduct): string {
  const ld = JSON.stringify({
    "@context": "https://schema.org",
    "@type": "Product",
    name: p.name,
    sku: "glamira-ring-aurora",
    offers: { "@type": "Offer", price: p.price, priceCurrency: p.currency },
  });
  return `${head(p.name, `<script type="application/ld+json">${ld}</script>`)}
<body class="catalog-product-view page-layout-1column">
<header class="page-header"><div class="panel header"><a class="logo" href="/">GLAMIRA</a></div>
<nav class="navigation"><ul><li><a href="/ringe/">Ringe</a></li><li><a href="/ketten/">Ketten</a></li></ul></nav></header>
<main id="maincontent" class="page-main"><div class="columns"><div class="column main">
<div class="product-info-main"><div class="page-title-wrapper product">
<h1 class="page-title"><span class="base" data-ui-id="page-title-wrapper" itemprop="name">
  ${p.name}
</span></h1></div>
<div class="price-box"><span class="price">${p.price} ${p.currency}</span></div>
<button class="action primary tocart" title="In den Warenkorb">In den Warenkorb</button>
</div></div></div></main><footer class="page-footer">© GLAMIRA</footer></body></html>`;
}

/** A microdata theme: `h1.product-title`, `itemprop` price and currency in meta tags. */
export function microdataPage(p: PageProduct): string {
  return `${head(p.name)}<body><div id="app">
<section class="product" itemscope itemtype="https://schema.org/Product">
<div class="gallery"><img src="/media/ring.jpg" alt=""></div>
<h1 class="product-title" itemprop="name">${p.name}</h1>
<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
<meta itemprop="price" content="${p.price}"><meta itemprop="priceCurrency" content="${p.currency}">
<span class="amount">${p.currency} ${p.price}</span></div>
<ul class="options"><li data-alloy="white-585">Weißgold 585</li></ul>
</section></div></body></html>`;
}

/** A script-rendered shell: an empty mount point, the product only in a JSON-LD `@graph`. */
export function scriptShellPage(p: PageProduct): string {
  const ld = JSON.stringify({
    "@context": "https://schema.org",
    "@graph": [
      { "@type": "BreadcrumbList", itemListElement: [] },
      {
        "@type": ["Product", "Thing"],
        name: p.name,
        offers: [{
          "@type": "AggregateOffer",
          lowPrice: Number(p.price),
          priceCurrency: p.currency,
        }],
      },
    ],
  });
  return `${head("Loading…", `<script type="application/ld+json">${ld}</script>`)}
<body><div id="root"></div><script src="/static/js/main.8f2c.js"></script></body></html>`;
}

/** Broken markup: unclosed tags, a stray `</h1>`, invalid JSON-LD, and a name still in place. */
export function malformedPage(name: string): string {
  return `<html><head><script type="application/ld+json">{"@type": "Product", "name": </script>
<body><div class="product-info-main"><h1 class="page-title"><span class="base">${name}
<div><p><table><tr><td>broken</h1></span></div></td></body>`;
}

/** A hostile page: `depth` nested `<div>`s (200,000 is 2.2 MB), with a name at the bottom. */
export function deepPage(depth: number): string {
  return `<html><body>${"<div>".repeat(depth)}<h1 class="page-title">Deep</h1>${
    "</div>".repeat(depth)
  }</body></html>`;
}
