using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// A bare ASP.NET Core app: the same JSON as the shop's cached product read, product list and liveness probe, with the
// project template's defaults (Kestrel, routing, Information logs but Microsoft.AspNetCore at Warning) and no
// middleware. bench/http/run.sh captures the shop's answers into files and starts this app on them, so both serialize
// the same records on every request.
//   dotnet Bulwark.Http.BareApp.dll --urls http://127.0.0.1:5200 --product product.json --list list.json
var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddHealthChecks();
var app = builder.Build();

var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
var product = Load<Product>(app.Configuration, "product", web);
var list = Load<ProductPage>(app.Configuration, "list", web);

app.MapGet("/api/products/{id:int}", (int id) => id == product.Id ? Results.Ok(product) : Results.NotFound());
app.MapGet("/api/products", () => TypedResults.Ok(list));
app.MapHealthChecks("/health/live", new HealthCheckOptions
{
    Predicate = _ => false,
    ResponseWriter = (context, report) =>
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(
            context.Response.Body,
            new { status = report.Status.ToString(), durationMs = report.TotalDuration.TotalMilliseconds, checks = new Dictionary<string, object>() },
            web,
            context.RequestAborted);
    },
});
app.Run();

static T Load<T>(IConfiguration configuration, string key, JsonSerializerOptions options)
{
    var path = configuration[key] ?? throw new InvalidOperationException($"Pass --{key} <file> holding the shop's JSON.");
    return JsonSerializer.Deserialize<T>(File.ReadAllText(path), options) ?? throw new InvalidOperationException($"'{path}' holds no {typeof(T).Name}.");
}

internal sealed record Product(int Id, string Sku, string Name, string Description, string Category, long PriceCents, string Currency, long Version);

internal sealed record ProductPage(IReadOnlyList<Product> Items, int Page, int PageSize, int TotalItems, int TotalPages);
