using System.Reflection;
using Shop.Host;

// The build writes the OpenAPI document by starting the host without a server (Microsoft.Extensions.ApiDescription.Server,
// docs/api.md): it runs on Development's settings so it needs no production secrets, launches no stand-ins, and keeps
// its data out of the source tree.
if (Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider")
{
    args = [.. args, "--environment=Development", "--Shop:Externals:Launch=false", $"--Shop:Data:Path={Path.Combine(Path.GetTempPath(), "bulwark-shop-openapi")}"];
}

var app = ShopApp.Build(args);
await app.RunAsync();
