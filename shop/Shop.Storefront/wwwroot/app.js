// The storefront's script: formats the price for the visitor's locale. Served as app.<hash>.js, cached for a year.
document.querySelectorAll("[data-price-cents]").forEach((el) => {
  const cents = Number(el.dataset.priceCents);
  el.textContent = new Intl.NumberFormat(undefined, { style: "currency", currency: el.dataset.currency }).format(cents / 100);
});
