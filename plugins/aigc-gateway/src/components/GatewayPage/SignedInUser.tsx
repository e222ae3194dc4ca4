import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';

/** Who the portal says is signed in, as the gateway will see them. */
export const SignedInUser = () => {
  const identityApi = useApi(identityApiRef);
  const { value, loading, error } = useAsync(async () => {
    const [profile, identity] = await Promise.all([
      identityApi.getProfileInfo(),
      identityApi.getBackstageIdentity(),
    ]);
    return { profile, identity };
  }, [identityApi]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <InfoCard title="Signed in">
      <Typography variant="h6" data-testid="signed-in-name">
        {value?.profile.displayName ?? value?.identity.userEntityRef}
      </Typography>
      <Typography variant="body2" data-testid="signed-in-ref">
        {value?.identity.userEntityRef}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Groups:{' '}
        {value?.identity.ownershipEntityRefs
          .filter(ref => ref.startsWith('group:'))
          .join(', ') || 'none'}
      </Typography>
    </InfoCard>
  );
};
