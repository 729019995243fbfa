using System.Text.Json.Serialization;
using PcapIke.Ike;

namespace PcapIke.Reports;

/// <summary>
/// The JSON contracts of the payload details records (<see cref="IkePayloadDetails"/>) for <c>dissect --format json</c>,
/// generated at compile time: the tool is published ahead of time (Native AOT, docs/scale.md "Publishing"), where
/// serialising by reflection is not available. Property names camelCase, in declaration order, as the reflection
/// serialiser wrote them. Every concrete details type must be listed here
/// (tests/PcapIke.Tests/Reports/DissectJsonWriterTests.cs checks it).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AuthenticationDetails))]
[JsonSerializable(typeof(CertificateDetails))]
[JsonSerializable(typeof(CertificateRequestDetails))]
[JsonSerializable(typeof(CiscoFragmentDetails))]
[JsonSerializable(typeof(ConfigurationDetails))]
[JsonSerializable(typeof(DataDetails))]
[JsonSerializable(typeof(DeleteDetails))]
[JsonSerializable(typeof(EapDetails))]
[JsonSerializable(typeof(EncryptedDetails))]
[JsonSerializable(typeof(EncryptedFragmentDetails))]
[JsonSerializable(typeof(IdentificationDetails))]
[JsonSerializable(typeof(KeyExchangeDetails))]
[JsonSerializable(typeof(NatOriginalAddressDetails))]
[JsonSerializable(typeof(NotifyDetails))]
[JsonSerializable(typeof(SaDetails))]
[JsonSerializable(typeof(TrafficSelectorDetails))]
[JsonSerializable(typeof(VendorIdDetails))]
internal sealed partial class PayloadDetailsJsonContext : JsonSerializerContext;
