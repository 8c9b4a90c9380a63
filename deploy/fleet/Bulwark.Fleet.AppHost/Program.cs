using Microsoft.Extensions.Configuration;
using Npgsql;

// `dotnet run --project deploy/fleet/Bulwark.Fleet.AppHost` starts the fleet and its dashboard; Ctrl+C stops all of it.
// The servers are the local ones (.ci/services.sh), named by connection strings in appsettings.json: Aspire shows them
// as resources and hands them to every instance, but does not run them (no container engine here; ADR 0006).
var builder = DistributedApplication.CreateBuilder(args);
var size = builder.Configuration.GetValue("Fleet:Size", 3);
var firstPort = builder.Configuration.GetValue("Fleet:FirstPort", 5200);
var shopDb = builder.AddConnectionString("shop-db");
var redis = builder.AddConnectionString("redis");
var rabbitmq = builder.AddConnectionString("rabbitmq");
var blobs = builder.AddConnectionString("claim-checks");
CreateDatabaseIfMissing(builder.Configuration.GetConnectionString("shop-db")
    ?? throw new InvalidOperationException("ConnectionStrings:shop-db is missing from the app host's appsettings.json."));

var paymentsUrl = $"http://127.0.0.1:{firstPort + 90}";
var recommendationsUrl = $"http://127.0.0.1:{firstPort + 91}";
var standIns = builder.AddProject<Projects.Shop_Externals>("stand-ins", o => o.ExcludeLaunchProfile = true)
    .WithArgs("--payment-url", paymentsUrl, "--recommendations-url", recommendationsUrl);

for (var i = 0; i < size; i++)
{
    var port = firstPort + i;
    // Plain strings: an interpolated one would bind to Aspire's ReferenceExpression overload, which takes no int.
    var url = "http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    var name = "shop-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
    // Every instance gets the same settings but its port: this is the whole of "running as a fleet" (docs/shop.md).
    builder.AddProject<Projects.Shop_Host>($"shop-{i}", o => o.ExcludeLaunchProfile = true)
        .WithHttpEndpoint(port: port, isProxied: false)
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
        // The shop's appsettings.json names a URL; a plain Urls variable outranks it, ASPNETCORE_URLS would not.
        .WithEnvironment("Urls", url)
        .WithEnvironment("Shop__Data__Path", Path.Combine(Path.GetTempPath(), "bulwark-fleet", $"shop-{i}"))
        .WithEnvironment("Shop__Data__Provider", "Postgres")
        .WithEnvironment("Shop__Data__ConnectionString", shopDb.Resource.ConnectionStringExpression)
        .WithEnvironment("Shop__Messaging__Transport", "RabbitMq")
        .WithEnvironment("Shop__Messaging__RabbitMq__ConnectionUri", rabbitmq.Resource.ConnectionStringExpression)
        .WithEnvironment("Shop__Messaging__RabbitMq__Exchange", "shop-fleet")
        .WithEnvironment("Shop__Messaging__RabbitMq__DeadLetterQueue", "shop-fleet.dead-letters")
        .WithEnvironment("Shop__Messaging__RabbitMq__ClientName", name)
        .WithEnvironment("Shop__Messaging__BlobStore", "AzureBlob")
        .WithEnvironment("Shop__Messaging__AzureBlob__ConnectionString", blobs.Resource.ConnectionStringExpression)
        .WithEnvironment("Shop__Messaging__AzureBlob__ContainerName", "shop-fleet-claim-checks")
        .WithEnvironment("Shop__Messaging__AzureBlob__ServiceVersion", "V2025_11_05")
        .WithEnvironment("Shop__Cache__Redis", redis.Resource.ConnectionStringExpression)
        .WithEnvironment("Shop__RateLimiting__Redis", redis.Resource.ConnectionStringExpression)
        .WithEnvironment("Bulwark__Sagas__Sweeper__StartupStaleAfter", "00:00:30")
        .WithEnvironment("Shop__Externals__Launch", "false")
        .WithEnvironment("Shop__Externals__PaymentProviderUrl", paymentsUrl)
        .WithEnvironment("Shop__Externals__RecommendationsUrl", recommendationsUrl)
        .WithReference(shopDb).WithReference(redis).WithReference(rabbitmq).WithReference(blobs)
        .WaitFor(standIns);
}

builder.Build().Run();

// The servers are not Aspire's, so neither is creating the fleet's database on them.
static void CreateDatabaseIfMissing(string connectionString)
{
    var target = new NpgsqlConnectionStringBuilder(connectionString);
    var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" };
    using var connection = new NpgsqlConnection(admin.ConnectionString);
    connection.Open();
    using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
    exists.Parameters.AddWithValue("name", target.Database!);
    if (exists.ExecuteScalar() is null)
    {
        using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database}\"", connection);
        create.ExecuteNonQuery();
    }
}
