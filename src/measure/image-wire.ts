// Wire shapes of image archives, only the fields we read: `docker save` manifest.json
// (https://github.com/moby/moby/blob/master/image/tarexport/tarexport.go) and OCI image
// layout, index, manifest and config (https://github.com/opencontainers/image-spec).
import { z } from 'zod';

export const DockerSaveManifest = z.array(
  z.looseObject({ Config: z.string(), Layers: z.array(z.string()) }),
);

export const OciPlatform = z.looseObject({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
});
export type OciPlatform = z.infer<typeof OciPlatform>;

export const OciDescriptor = z.looseObject({
  mediaType: z.string().optional(),
  digest: z.string(),
  platform: OciPlatform.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type OciDescriptor = z.infer<typeof OciDescriptor>;

export const OciIndex = z.looseObject({ manifests: z.array(OciDescriptor) });

export const OciManifest = z.looseObject({ config: OciDescriptor, layers: z.array(OciDescriptor) });

export const ImageConfig = z.looseObject({
  os: z.string().optional(),
  architecture: z.string().optional(),
  variant: z.string().optional(),
  rootfs: z.looseObject({ diff_ids: z.array(z.string()) }).optional(),
  history: z.array(z.looseObject({ created_by: z.string().optional(), empty_layer: z.boolean().optional() })).optional(),
});
export type ImageConfig = z.infer<typeof ImageConfig>;
