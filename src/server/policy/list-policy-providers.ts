import "server-only";
import type { PolicyProviderOption } from "@/contracts/policy";
import { getPasskeyProvider, listPasskeyProviders } from "../webauthn/providers";

/** Every provider we can name, with its icons, for the key restriction picker. */
export function listPolicyProviders(): PolicyProviderOption[] {
  return listPasskeyProviders().map(({ aaguid, name }) => {
    const provider = getPasskeyProvider(aaguid);
    return { aaguid, name, iconLight: provider.iconLight, iconDark: provider.iconDark };
  });
}
