using Shop.Host;

var app = ShopApp.Build(args);
await app.RunAsync();
