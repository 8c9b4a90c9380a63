using Shop.Reviews.Host;

// The reviews service: dotnet run --project shop/Shop.Reviews.Host -- --urls http://127.0.0.1:5110 --Shop:Data:Path=data-reviews
// and the shop with --Shop:Reviews:Mode=Remote --Shop:Reviews:Url=http://127.0.0.1:5110 (docs/module-extraction.md).
var app = ReviewsServiceApp.Build(args);
await app.RunAsync();
