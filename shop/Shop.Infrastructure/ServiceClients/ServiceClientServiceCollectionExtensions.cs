using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Shop.Infrastructure.ServiceClients;

/// <summary>Adds clients for the services the shop calls (an extracted module, the shop itself, a legacy system).</summary>
public static class ServiceClientServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/>, validated at start, and adds the HttpClient
    /// <paramref name="clientName"/> on its <see cref="IServiceAddress.Url"/> with its <see cref="IServiceAddress.Timeout"/>.
    /// Chain <c>AddTypedClient</c> for the client class, and <c>ConfigureHttpClient</c> for anything else it sends.
    /// </summary>
    /// <typeparam name="TOptions">Where the service is.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="clientName">The HttpClient's name, for adding handlers to it.</param>
    /// <param name="section">The configuration section of <typeparamref name="TOptions"/>.</param>
    /// <returns>The HttpClient's builder.</returns>
    public static IHttpClientBuilder AddServiceClient<TOptions>(this IServiceCollection services, string clientName, string section)
        where TOptions : class, IServiceAddress
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientName);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddHttpClient(clientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<TOptions>>().Value;
            http.BaseAddress = new Uri(options.Url, "/");
            http.Timeout = options.Timeout;
        });
    }
}
