using Yarp.ReverseProxy.Configuration;

// Bare YARP in front of --backend: the same catch-all route the edge's release route has, with YARP's defaults
// (X-Forwarded-* included) and no middleware of its own.
var builder = WebApplication.CreateSlimBuilder(args);
var backend = builder.Configuration["backend"] ?? throw new InvalidOperationException("Pass --backend http://127.0.0.1:PORT.");
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Yarp", LogLevel.Warning);
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "/{**catch-all}" } }],
    [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["backend"] = new() { Address = backend } } }]);
var app = builder.Build();
app.MapGet("/health/live", () => "live");
app.MapReverseProxy();
await app.RunAsync();
