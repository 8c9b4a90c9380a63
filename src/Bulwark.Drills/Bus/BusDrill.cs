using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Bus;

/// <summary>
/// The part the message drills share: they publish through the target's own bus as a fresh customer and read what its
/// consumers did back over HTTP. Arrange checks the target is ready and a bus was given, and signs the customer up.
/// </summary>
/// <typeparam name="TOptions">The drill's options, validated with data annotations.</typeparam>
public abstract class BusDrill<TOptions> : Drill<TOptions>
    where TOptions : class, new()
{
    private DrillCustomer? _customer;

    /// <summary>Describes the drill and validates <paramref name="options"/> (the documented defaults when null).</summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    protected BusDrill(DrillDescription description, TOptions? options)
        : base(description, options)
    {
    }

    /// <summary>The drill's own client timeout per request, from its options.</summary>
    protected abstract TimeSpan RequestTimeout { get; }

    /// <summary>The customer arrange signed up; the messages the drill publishes are this customer's.</summary>
    /// <exception cref="InvalidOperationException">Arrange has not run.</exception>
    protected DrillCustomer Customer => _customer ?? throw new InvalidOperationException("Arrange signs the customer up first.");

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.RequireTargetAnswersAsync("/health/ready", cancellationToken).ConfigureAwait(false);
        context.RequireBus();
        using var http = Client(context);
        _customer = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A loopback client on the target with <see cref="RequestTimeout"/>.</summary>
    protected HttpClient Client(DrillContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return LoopbackHttp.CreateClient(context.Target, RequestTimeout);
    }

    /// <summary>
    /// GETs <paramref name="path"/> as <see cref="Customer"/>, recorded for the report; an answer other than 2xx fails the
    /// precondition, naming what the drill reads there (e.g. "the consumers' effects").
    /// </summary>
    /// <exception cref="DrillPreconditionException">The target did not answer 2xx.</exception>
    protected async Task<JsonElement> GetAsCustomerAsync(HttpClient http, DrillContext context, string path, string readsThere, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(context);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        context.AddDefaultHeaders(request);
        Customer.Authorize(request);
        var begin = context.TimeProvider.GetTimestamp();
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        context.Recorder.Record(context.TimeProvider.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
        if (!response.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture, $"GET {path} answered {(int)response.StatusCode}; the drill reads {readsThere} there."));
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
    }
}
