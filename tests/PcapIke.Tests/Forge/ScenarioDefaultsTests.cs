using PcapIke.Forge;
using PcapIke.Model;

namespace PcapIke.Tests.Forge;

/// <summary>The scenario parser (Forge/) and the routers built from IOS text (Model/) default alike.</summary>
public class ScenarioDefaultsTests
{
    [Fact]
    public void ParserDefaults_AreTheModelsDefaults()
    {
        Assert.Equal(ScenarioDefaults.Epoch, ScenarioParser.DefaultEpoch);
        Assert.Equal(ScenarioDefaults.EnrollmentIntervalSeconds, ScenarioParser.DefaultEnrollmentIntervalSeconds);
        Assert.Equal(ScenarioDefaults.CaValidityDays, ScenarioParser.DefaultCaValidityDays);
        Assert.Equal(ScenarioDefaults.IssuedValidityDays, ScenarioParser.DefaultIssuedValidityDays);
        Assert.Equal(ScenarioDefaults.Mtu, ScenarioParser.DefaultMtu);
    }
}
