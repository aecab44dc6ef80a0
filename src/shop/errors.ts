import { MagentoError, type MagentoParameters } from '../magento/errors.ts';
import { DENIAL_MESSAGE } from '../magento/permission.ts';

// The store's Magento errors (the class is shared with the auth server's token services).

export { MagentoError, type MagentoParameters };

export function noSuchEntity(fieldName: string, fieldValue: string | number): MagentoError {
  return new MagentoError(404, 'No such entity with %fieldName = %fieldValue', { fieldName, fieldValue });
}

export function inputError(message: string, parameters: MagentoParameters = []): MagentoError {
  return new MagentoError(400, message, parameters);
}

export function notAuthorized(resources: string): MagentoError {
  return new MagentoError(401, DENIAL_MESSAGE, { resources });
}

export function productNotFound(): MagentoError {
  return new MagentoError(404, "The product that was requested doesn't exist. Verify the product and try again.");
}
