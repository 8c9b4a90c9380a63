using System.Reflection;
using Shop.Host;

// The build writes the OpenAPI document by starting the host without a server (Microsoft.Extensions.ApiDescription.Server,
// docs/api.md): it runs on Development's settings so it needs no production secrets, launches no stand-ins, and keeps
// its data out of the source tree. A data folder per build process: one shared folder made every build on the machine
// migrate the same databases, and a build of an older branch then refused to start on a schema a newer one had written.
if (Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider")
{
    var data = Path.Combine(Path.GetTempPath(), $"bulwark-shop-openapi-{Environment.ProcessId}-{Guid.NewGuid():N}");
    args = [.. args, "--environment=Development", "--Shop:Externals:Launch=false", $"--Shop:Data:Path={data}"];
}

var app = ShopApp.Build(args);
await app.RunAsync();
