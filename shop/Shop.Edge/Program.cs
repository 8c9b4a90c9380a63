using Shop.Edge;

var app = EdgeApp.Build(args);
await app.RunAsync();
