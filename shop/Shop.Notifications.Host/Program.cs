using Shop.Notifications.Host;

// The notifications service, beside a shop on RabbitMQ (docs/module-extraction.md):
//   dotnet run --project shop/Shop.Notifications.Host -- --urls http://127.0.0.1:5120 --Shop:Messaging:RabbitMq:ConnectionUri=amqp://guest:guest@127.0.0.1:5672/
//   dotnet run --project shop/Shop.Host -- --Shop:Notifications:Mode=Remote --Shop:Messaging:Transport=RabbitMq
var app = NotificationsServiceApp.Build(args);
await app.RunAsync();
