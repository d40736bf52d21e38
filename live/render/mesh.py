"""The seed's PyTorch3D pipeline, with the scene built once.

Every disc is a fan of ``segments`` triangles around its centre. The colour view goes through
HardPhongShader with an ambient-only light on black; the silhouette through SoftSilhouetteShader
with the seed's BlendParams (sigma) and blur radius log(1/1e-4 - 1) * sigma.

Two silhouettes:

- ``union`` (default): the body fans alone, keeping ``faces_per_pixel`` faces so that the face a
  pixel lies in is always among them. PyTorch3D blends faces one by one, so a fan still shows
  ridges of about 0.75 along its spokes (two faces at distance 0, each with probability 0.5).
- ``seed``: all three discs with 3 faces per pixel, as in the notebook. The three faces kept are
  often ones the pixel lies outside of, so interiors show dark rings and spots; kept for comparison.

A step moves vertices (``Meshes.offset_verts``); it never rebuilds the mesh. Radii change at run
time (:meth:`MeshRenderer.set_radii`): each vertex then also moves by its creature's change of
radius along its spoke of the template fan, and a creature of radius 0 is moved far off the view.
"""

from __future__ import annotations

import torch

from live.config import RenderConfig
from live.render.eyes import EyePose
from live.render.geometry import outline_of, polygon_ring
from live.sprites import LAYER_DEPTH, LAYER_RGB, Swarm

#: Faces kept per pixel by the seed's silhouette.
SEED_FACES_PER_PIXEL = 3
#: Where a creature of radius 0 is moved (NDC): far outside the view, so no face is rasterised.
FAR_AWAY = 1000.0


def fan_mesh_arrays(swarm: Swarm, segments: int, layers: int = 3):
    """Builds the vertices, faces and vertex colours of the swarm's disc fans.

    Args:
        swarm: the creatures (N).
        segments: triangles per fan.
        layers: 1 for the bodies alone, 3 for body, eye and pupil.

    Returns:
        verts: (N * layers * (segments + 1), 3) float, at the start positions.
        faces: (N * layers * segments, 3) int64.
        rgb: (N * layers * (segments + 1), 3) float vertex colours.
        owner: (N * layers * (segments + 1),) int64, the creature of each vertex.
        spoke: (N * layers * (segments + 1), 2) float, each vertex's place on the unit polygon
            (0 for the centre).
        layer: (N * layers * (segments + 1),) int64, the disc (:class:`Layer`) of each vertex.
    """
    n, dtype, device = len(swarm), swarm.radii.dtype, swarm.device
    ring = torch.cat([polygon_ring(segments, dtype, device), torch.zeros(1, 2, dtype=dtype, device=device)])
    per_disc = segments + 1
    xy = swarm.start[:, None, None, :] + swarm.radii[:, :layers, None, None] * ring  # (N, L, V, 2)
    depth = torch.tensor(LAYER_DEPTH[:layers], dtype=dtype, device=device)
    z = depth.view(1, layers, 1, 1).expand(n, layers, per_disc, 1)
    verts = torch.cat([xy, z], dim=-1).reshape(-1, 3)
    k = torch.arange(segments, device=device)
    fan = torch.stack([k, (k + 1) % segments, torch.full_like(k, segments)], dim=1)  # (F, 3)
    base = torch.arange(n * layers, device=device).view(-1, 1, 1) * per_disc
    faces = (fan.unsqueeze(0) + base).reshape(-1, 3)
    colors = torch.tensor(LAYER_RGB[:layers], dtype=dtype, device=device)
    rgb = colors.view(1, layers, 1, 3).expand(n, layers, per_disc, 3).reshape(-1, 3)
    owner = torch.arange(n, device=device).repeat_interleave(layers * per_disc)
    spoke = ring.expand(n, layers, per_disc, 2).reshape(-1, 2)
    layer = torch.arange(layers, device=device).view(1, layers, 1).expand(n, layers, per_disc).reshape(-1)
    return verts, faces, rgb, owner, spoke, layer


class MeshRenderer:
    """PyTorch3D rendering of a swarm.

    Args:
        swarm: the creatures; the renderer works on its device.
        settings: size, sigma, segments, silhouette, faces_per_pixel and ambient are used.

    Raises:
        ImportError: PyTorch3D is not installed.
        ValueError: ``render.outline = "circle"`` (fans are polygons; the analytic backend draws circles).
    """

    def __init__(self, swarm: Swarm, settings: RenderConfig):
        if not outline_of(settings).polygon:
            raise ValueError(
                'render.outline = "circle" is drawn by the analytic backend only: use --backend analytic, '
                'or render.outline="polygon"'
            )
        from pytorch3d.renderer import (
            BlendParams,
            FoVOrthographicCameras,
            HardPhongShader,
            MeshRasterizer,
            PointLights,
            RasterizationSettings,
            SoftSilhouetteShader,
            TexturesVertex,
        )
        from pytorch3d.renderer import MeshRenderer as P3DMeshRenderer
        from pytorch3d.structures import Meshes

        self.swarm = swarm
        self.settings = settings
        device = swarm.device
        verts, faces, rgb, self._owner, spoke, layer = fan_mesh_arrays(swarm, settings.segments, layers=3)
        self._color_spokes = (spoke, layer)
        self._layer = layer  # for the eyes: each colour vertex's disc
        self._color_mesh = Meshes([verts], [faces], textures=TexturesVertex([rgb]))
        if settings.silhouette == "seed":
            self._sil_mesh, self._sil_owner = self._color_mesh, self._owner
            self._sil_spokes = self._color_spokes
            faces_per_pixel = SEED_FACES_PER_PIXEL
        else:
            body_verts, body_faces, _, self._sil_owner, spoke, layer = fan_mesh_arrays(
                swarm, settings.segments, layers=1
            )
            self._sil_spokes = (spoke, layer)
            self._sil_mesh = Meshes([body_verts], [body_faces])
            faces_per_pixel = settings.faces_per_pixel

        cameras = FoVOrthographicCameras(device=device)
        ambient = (settings.ambient,) * 3
        lights = PointLights(
            ambient_color=(ambient,), diffuse_color=((0, 0, 0),), specular_color=((0, 0, 0),), device=device
        )
        blend = BlendParams(sigma=settings.sigma, background_color=(0.0, 0.0, 0.0))
        hard = RasterizationSettings(image_size=settings.size, blur_radius=0.0, faces_per_pixel=1)
        soft = RasterizationSettings(
            image_size=settings.size, blur_radius=settings.blur_radius, faces_per_pixel=faces_per_pixel
        )
        self._color_renderer = P3DMeshRenderer(
            rasterizer=MeshRasterizer(cameras=cameras, raster_settings=hard),
            shader=HardPhongShader(device=device, cameras=cameras, lights=lights, blend_params=blend),
        )
        self._sil_renderer = P3DMeshRenderer(
            rasterizer=MeshRasterizer(cameras=cameras, raster_settings=soft),
            shader=SoftSilhouetteShader(blend_params=blend),
        )

        self.set_radii(swarm.radii[:, 0])

    def set_radii(self, body: torch.Tensor) -> None:
        """Sets every creature's body radius; eye and pupil keep the swarm's proportions.

        The mesh stays as built: each vertex gets a shift along its spoke of the template fan,
        (new radius - built radius) * spoke, added to its creature's offset at every render. A
        creature of radius 0 is shifted far off the view, out of both images.

        Args:
            body: (N,) body radius in NDC, at least 0.

        Raises:
            ValueError: a shape other than (N,).
        """
        template = self.swarm.radii  # (N, 3)
        if tuple(body.shape) != (len(self.swarm),):
            raise ValueError(f"radii must have shape ({len(self.swarm)},), got {tuple(body.shape)}")
        body = body.to(dtype=template.dtype, device=template.device)
        radii = template * (body / template[:, 0])[:, None]  # (N, 3): exactly the template at its own sizes
        self.radii = radii
        far = torch.where(body > 0, 0.0, FAR_AWAY)  # (N,)

        def shift(owner, spokes):
            spoke, layer = spokes
            change = radii[owner, layer] - template[owner, layer]  # (V,): 0 at the built sizes
            return change[:, None] * spoke + far[owner, None]  # (V, 2)

        self._color_shift = shift(self._owner, self._color_spokes)
        # For the eyes: each colour vertex's height above its disc's centre at these radii.
        spoke, layer = self._color_spokes
        self._rise = radii[self._owner, layer] * spoke[:, 1]  # (V,)
        self._sil_shift = shift(self._sil_owner, self._sil_spokes)

    @staticmethod
    def _moved(mesh, owner: torch.Tensor, offsets: torch.Tensor, shift: torch.Tensor):
        """``mesh`` with each creature's vertices moved by its offset plus their radius shift (z unchanged)."""
        return mesh.offset_verts(torch.nn.functional.pad(offsets[owner] + shift, (0, 1)))

    def silhouette(self, offsets: torch.Tensor) -> torch.Tensor:
        """Soft silhouette, differentiable with respect to ``offsets`` (N, 2); returns (H, W) in [0, 1]."""
        return self.silhouette_of(self._moved(self._sil_mesh, self._sil_owner, offsets, self._sil_shift))

    @torch.no_grad()
    def color(self, offsets: torch.Tensor, eyes: EyePose | None = None) -> torch.Tensor:
        """Flat-colour view; returns (H, W, 3) RGB in [0, 1].

        ``eyes`` (:mod:`live.render.eyes`) moves each eye and pupil fan by its shift and squashes
        it vertically about its centre; None leaves them centred, as in the seed.
        """
        if eyes is None:
            return self.color_of(self._moved(self._color_mesh, self._owner, offsets, self._color_shift))
        shift, squash = eyes.layers()  # (N, 3, 2), (N, 3)
        owner, layer = self._owner, self._layer
        move = offsets[owner] + self._color_shift + shift[owner, layer]  # (V, 2)
        move[:, 1] += (squash[owner, layer] - 1.0) * self._rise
        return self.color_of(self._color_mesh.offset_verts(torch.nn.functional.pad(move, (0, 1))))

    def silhouette_of(self, mesh) -> torch.Tensor:
        """Soft silhouette of any scene ``Meshes`` with these settings: (H, W) in [0, 1]."""
        return self._sil_renderer(mesh)[0, ..., 3]

    def color_of(self, mesh) -> torch.Tensor:
        """Colour view of any textured scene ``Meshes``: (H, W, 3) RGB in [0, 1]."""
        return self._color_renderer(mesh)[0, ..., :3]
