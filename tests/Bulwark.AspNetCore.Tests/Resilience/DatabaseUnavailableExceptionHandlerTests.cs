using System.Data.Common;
using System.Net;
using System.Text.Json;
using Bulwark.AspNetCore.Resilience;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.AspNetCore.Tests.Resilience;

/// <summary>A database out of reach answers 503 over real Kestrel; an error the database returned stays a 500.</summary>
public sealed class DatabaseUnavailableExceptionHandlerTests : IAsyncLifetime
{
    private readonly HttpClient _client = new();
    private WebApplication? _app;
    private Uri _address = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        (_app, _address) = await LoopbackKestrel.StartAsync(
            b =>
            {
                b.Services.AddExceptionHandler<ResilienceExceptionHandler>();
                b.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
                b.Services.AddProblemDetails();
            },
            app =>
            {
                app.UseExceptionHandler();
                app.MapGet("/unreachable", string () => throw new FakeDbException(transient: true));
                app.MapGet("/wrapped", string () => throw new InvalidOperationException("store", new FakeDbException(transient: true)));
                app.MapGet("/constraint", string () => throw new FakeDbException(transient: false));
            });
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/unreachable")]
    [InlineData("/wrapped")]
    public async Task TransientDatabaseError_Answers503ProblemWithRetryAfter(string path)
    {
        using var response = await _client.GetAsync(new Uri(_address, path), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(DatabaseUnavailableExceptionHandler.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("https://bulwark.dev/problems/database-unavailable", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ErrorTheDatabaseReturned_StaysA500()
    {
        using var response = await _client.GetAsync(new Uri(_address, "/constraint"), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    private sealed class FakeDbException(bool transient) : DbException("fake")
    {
        public override bool IsTransient => transient;
    }
}
